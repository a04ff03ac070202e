package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.access.Role;
import dev.steward.devstack.Endpoints;
import dev.steward.devstack.TestStack;
import dev.steward.testing.Routes;
import dev.steward.testing.Routes.Route;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route of the running application, proven for access, with no route listed by hand: the REST routes are read
 * from the server's own OpenAPI document (and must match the routes the WAR's classes declare, {@link Routes}), the
 * WebSocket endpoints from the classes. For each route:
 * <ul>
 * <li>no credentials: 401 (a WebSocket: closed with 1008 at the auth frame);</li>
 * <li>a viewer key on a write: 403, and workspace A's rows unchanged;</li>
 * <li>workspace B's key on A's URL: 404; B's key on B's URL naming A's objects (path ids, filter bodies): no answer
 * carries anything of A's, and A's rows unchanged;</li>
 * <li>bad input (malformed JSON, wrong types, NUL characters, oversized strings, bad ids): never a 5xx.</li>
 * </ul>
 * "A's rows unchanged" is a digest of every row of every table with a workspace_id column, for A.
 */
class AccessGateIT {
    static final String UNKNOWN = "00000000-0000-0000-0000-0000000000ff";
    static Sandbox a;
    static Sandbox b;
    static Sandbox c;
    static String viewerKeyA;
    static List<Route> routes;

    /** A workspace with one of everything, each named with the workspace's marker so that a leak is found by text. */
    record Sandbox(String slug, String marker, Api owner, Map<String, String> values) {
        Api as(String key) {
            return Workspaces.api(slug, key);
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        a = sandbox("gate-a");
        b = sandbox("gate-b");
        c = sandbox("gate-c");
        viewerKeyA = Workspaces.issueKey(a.slug(), "viewer");
        routes = restRoutesOfTheRunningServer();
        routes.addAll(Routes.all().stream().filter(Route::websocket).toList());
    }

    static Sandbox sandbox(String prefix) throws Exception {
        String slug = Workspaces.create(prefix);
        String marker = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String ownerKey = Workspaces.issueKey(slug, "owner");
        Api api = Workspaces.api(slug, ownerKey);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("ownerKey", ownerKey);
        String flow = api.post("/flows/", "{\"name\":\"" + marker + "-flow\"}").expect(201).object().getString("id");
        v.put("flows/{id}", flow);
        v.put("flows/name/{name}", marker + "-flow");
        String pool = marker + "-pool";
        api.post("/work_pools/", "{\"name\":\"" + pool + "\",\"type\":\"process\"}").expect(201);
        v.put("work_pools/{name}", pool);
        v.put("cleanup/{pool}", pool);
        v.put("queues/{queue}", "default");
        api.post("/work_pools/" + pool + "/workers/heartbeat", "{\"name\":\"" + marker + "-worker\"}").expect(204);
        v.put("workers/{worker}", marker + "-worker");
        String queue = api.post("/work_queues/", "{\"name\":\"" + marker + "-queue\"}").expect(201).object().getString("id");
        v.put("work_queues/{id}", queue);
        v.put("work_queues/name/{name}", marker + "-queue");
        String deployment = api.post("/deployments/", "{\"name\":\"" + marker + "-dep\",\"flow_id\":\"" + flow
                + "\",\"work_pool_name\":\"" + pool + "\"}").expect(201).object().getString("id");
        v.put("deployments/{id}", deployment);
        v.put("name/{flow}", marker + "-flow");
        v.put("{flow}/{name}", marker + "-dep");
        String run = api.post("/flow_runs/", "{\"flow_id\":\"" + flow + "\",\"name\":\"" + marker + "-run\",\"tags\":[\""
                + marker + "\"]}").expect(201).object().getString("id");
        // running, so that no background job (late runs, cancellation timeouts) changes it during the probes
        api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"RUNNING\"},\"force\":true}");
        assertEquals("RUNNING", api.get("/flow_runs/" + run).expect(200).object().getJsonObject("state").getString("type"));
        v.put("flow_runs/{id}", run);
        v.put("input/{key}", marker + "-input");
        api.post("/flow_runs/" + run + "/input", "{\"key\":\"" + marker + "-input\",\"value\":\"\\\"" + marker + "\\\"\"}")
                .expect(201);
        String taskRun = api.post("/task_runs/", "{\"flow_run_id\":\"" + run + "\",\"task_key\":\"" + marker
                + "\",\"dynamic_key\":\"0\",\"name\":\"" + marker + "-task\"}").expect(201).object().getString("id");
        v.put("task_runs/{id}", taskRun);
        api.post("/logs/", "[{\"name\":\"" + marker + "\",\"level\":20,\"message\":\"" + marker + " log\",\"timestamp\":\""
                + Instant.now() + "\",\"flow_run_id\":\"" + run + "\"}]").expect(201);
        String variable = api.post("/variables/", "{\"name\":\"" + marker + "_var\",\"value\":\"" + marker + "\"}")
                .expect(201).object().getString("id");
        v.put("variables/{id}", variable);
        String artifact = api.post("/artifacts/", "{\"key\":\"" + marker + "-art\",\"data\":\"" + marker
                + "\",\"flow_run_id\":\"" + run + "\",\"task_run_id\":\"" + taskRun + "\"}").expect(201).object()
                .getString("id");
        v.put("artifacts/{id}", artifact);
        v.put("artifacts/{key}", marker + "-art");
        v.put("variables/name/{name}", marker + "_var");
        String limit = api.post("/v2/concurrency_limits/", "{\"name\":\"" + marker + "-limit\",\"limit\":5}")
                .expect(201).object().getString("id");
        v.put("{id_or_name}", limit);
        String tagLimit = api.post("/concurrency_limits/", "{\"tag\":\"" + marker + "\",\"concurrency_limit\":3}")
                .expect(201).object().getString("id");
        v.put("concurrency_limits/{id}", tagLimit);
        v.put("tag/{tag}", marker);
        v.put("{countable}", "day");
        v.put("related-to/{resourceId}", "prefect.flow-run." + run);
        v.put("members/{username}", marker + "-user");
        try (EventsIn in = EventsIn.open(slug, ownerKey)) {
            in.send(EventsIn.completedTask(run, UUID.randomUUID().toString(), 1, null)
                    .replace("\"prefect.resource.name\":\"t-1\"", "\"prefect.resource.name\":\"" + marker + "-event\""));
            in.confirm();
        }
        return new Sandbox(slug, marker, api, v);
    }

    /** The REST routes the running server publishes in its OpenAPI document, which must be those the classes declare. */
    static List<Route> restRoutesOfTheRunningServer() {
        JsonObject paths;
        try {
            HttpResponse<String> document = Api.HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.get().appUrl()
                    + "/openapi")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, document.statusCode(), document.body());
            paths = Json.createReader(new StringReader(document.body())).readObject().getJsonObject("paths");
        } catch (Exception e) {
            throw new AssertionError("the OpenAPI document: " + e, e);
        }
        Map<String, Route> declared = new LinkedHashMap<>();
        Routes.all().stream().filter(r -> !r.websocket())
                .forEach(r -> declared.put(r.verb() + " " + r.path().replace("{ws}", "{workspace}"), r));
        List<Route> out = new ArrayList<>();
        Set<String> published = new TreeSet<>();
        for (String path : paths.keySet()) {
            for (String verb : paths.getJsonObject(path).keySet()) {
                String key = verb.toUpperCase() + " " + path.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
                published.add(key);
                Route route = declared.get(key);
                if (route == null) throw new AssertionError("the server publishes " + key + ", which no class declares");
                out.add(route);
            }
        }
        assertEquals(new TreeSet<>(declared.keySet()), published, "routes in the classes and in the OpenAPI document");
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void everyRouteIsClosedToAnonymousViewersAndOtherWorkspaces() throws Exception {
        List<String> anonymous = Collections.synchronizedList(new ArrayList<>());
        List<String> viewerWrites = Collections.synchronizedList(new ArrayList<>());
        List<String> crossWorkspace = Collections.synchronizedList(new ArrayList<>());
        String before = settledDigest(a);

        parallel(routes.stream().filter(r -> !r.websocket()).toList(), route -> {
            String pathA = fill(route.path(), a);
            String body = bodyFor(route, "{}");
            Api.Reply anon = new Api(TestStack.get().appUrl(), null).send(route.verb(), pathA, body);
            if (anon.status() != 401) anonymous.add(route + " -> " + anon.status());

            Api.Reply viewer = new Api(TestStack.get().appUrl(), "Bearer " + viewerKeyA).send(route.verb(), pathA, body);
            if (route.userRoute() != null) {
                if (viewer.status() != 403) viewerWrites.add(route + " (an API key on the admin API) -> " + viewer.status());
            } else if (route.write() || route.role().atLeast(Role.DEVELOPER)) {
                if (viewer.status() != 403 || !viewer.body().contains("role")) {
                    viewerWrites.add(route + " -> " + viewer.status() + " " + abbreviate(viewer.body()));
                }
            } else {
                // a read answers a viewer as it answers the owner (a route may refuse a bad page token with 403 itself)
                int owner = a.owner().send(route.verb(), pathA.substring(("/api/workspaces/" + a.slug()).length()), body)
                        .status();
                if (viewer.status() != owner || viewer.status() >= 500) {
                    viewerWrites.add(route + " (a read) -> " + viewer.status() + " for a viewer, " + owner
                            + " for the owner: " + abbreviate(viewer.body()));
                }
            }

            String ownerB = "Bearer " + b.values().get("ownerKey");
            Api.Reply wrongWorkspace = new Api(TestStack.get().appUrl(), ownerB).send(route.verb(), pathA, body);
            int expected = route.userRoute() != null ? 403 : 404;
            if (wrongWorkspace.status() != expected) {
                crossWorkspace.add(route + " with B's key on A's URL -> " + wrongWorkspace.status());
            }
            if (route.inWorkspace() && route.userRoute() == null) {
                // B's own URL, naming A's objects in the path and in every filter Prefect has
                String pathNamingA = fill(route.path(), a).replace("/workspaces/" + a.slug(), "/workspaces/" + b.slug());
                List<String> bodies = body == null ? Collections.singletonList(null) : bodiesNaming(a);
                for (String naming : bodies) {
                    Api.Reply reply = new Api(TestStack.get().appUrl(), ownerB).send(route.verb(), pathNamingA, naming);
                    // an error may repeat the id it was given; an answer that succeeds must carry nothing of A's
                    if (reply.status() < 300 && leaks(reply.body(), a)) {
                        crossWorkspace.add(route + " in B naming A's objects -> " + reply.status() + " " + reply.body());
                    }
                    if (reply.status() >= 500) crossWorkspace.add(route + " in B -> " + reply.status() + " " + reply.body());
                }
            }
        });
        assertEquals(before, digest(a), "a viewer's writes or another workspace's requests changed workspace A");

        List<String> sockets = webSocketProbes();
        crossWorkspace.addAll(sockets);
        int rest = (int) routes.stream().filter(r -> !r.websocket()).count();
        System.out.printf("%d routes (%d REST, %d WebSocket): %d open to anonymous, %d writes open to viewers, "
                        + "%d cross-workspace reads or writes%n", routes.size(), rest, routes.size() - rest,
                anonymous.size(), viewerWrites.size(), crossWorkspace.size());
        assertEquals(List.of(), anonymous, "routes open to anonymous callers");
        assertEquals(List.of(), viewerWrites, "routes where a viewer is answered wrongly");
        assertEquals(List.of(), crossWorkspace, "routes that cross workspaces");
    }

    @Test
    void badInputOnEveryRouteIsNeverA5xx() throws Exception {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Api owner = new Api(TestStack.get().appUrl(), "Bearer " + c.values().get("ownerKey"));
        // deletions last, so that the other routes still find c's objects
        List<Route> ordered = new ArrayList<>(routes.stream().filter(r -> !r.websocket() && r.inWorkspace()).toList());
        ordered.sort((x, y) -> Boolean.compare(x.verb().equals("DELETE"), y.verb().equals("DELETE")));
        parallel(ordered, route -> {
            List<String[]> requests = new ArrayList<>();
            String path = fill(route.path(), c);
            if (bodyFor(route, "{}") == null) {
                for (String query : BAD_QUERIES) requests.add(new String[] {path + query, null});
            } else {
                for (String body : BAD_BODIES) requests.add(new String[] {path, body});
            }
            for (String badPath : withBadIds(route.path(), c)) requests.add(new String[] {badPath, bodyFor(route, "{}")});
            for (String[] r : requests) {
                sent.incrementAndGet();
                Api.Reply reply;
                try {
                    reply = owner.send(route.verb(), r[0], r[1]);
                } catch (AssertionError noAnswer) {
                    failures.add(route + " " + r[0] + " " + abbreviate(r[1]) + ": " + noAnswer.getMessage());
                    continue;
                }
                if (reply.status() >= 500) {
                    failures.add(route + " " + r[0] + " " + abbreviate(r[1]) + " -> " + reply.status() + " "
                            + abbreviate(reply.body()));
                }
            }
        });
        System.out.printf("%d requests of bad input to %d routes: %d answers of 500%n", sent.get(), ordered.size(),
                failures.size());
        assertEquals(List.of(), failures, "5xx answers to bad input");
    }

    /** The two probes that found the gate open: a viewer's forged events and a viewer's worker poll. */
    @Test
    void aViewerCanNeitherSendEventsNorPollDeployments() throws Exception {
        String before = settledDigest(a);
        String forgedId = UUID.randomUUID().toString();
        String taskRun = UUID.randomUUID().toString();
        String forged = EventsIn.completedTask(forgedId, a.values().get("flow_runs/{id}"), taskRun, 7, null);
        try (RawWebSocket ws = RawWebSocket.open("/api/workspaces/" + a.slug() + "/events/in")) {
            ws.text("{\"type\":\"auth\",\"token\":\"" + viewerKeyA + "\"}");
            ws.text(forged);
            ws.text(forged.replace("prefect.task-run.Completed", "prefect.flow-run.Cancelling"));
            assertEquals(1008, ws.awaitClose(Duration.ofSeconds(20)));
        }
        Api viewer = a.as(viewerKeyA);
        viewer.post("/deployments/get_scheduled_flow_runs", "{\"deployment_ids\":[\"" + a.values().get("deployments/{id}")
                + "\"]}").expect(403);
        assertEquals(before, digest(a), "a viewer changed workspace A");
        String events = a.owner().post("/events/filter", "{\"filter\":{\"id\":{\"id\":[\"" + forgedId + "\"]}}}")
                .expect(200).body();
        assertFalse(events.contains(forgedId), events);
        a.owner().get("/task_runs/" + taskRun).expect(404);
    }

    /** The same event id in two workspaces is two events: one workspace's ids never hide another's. */
    @Test
    void anEventIdOfAnotherWorkspaceIsStoredToo() throws Exception {
        String id = UUID.randomUUID().toString();
        for (Sandbox s : List.of(a, b)) {
            String event = EventsIn.completedTask(id, s.values().get("flow_runs/{id}"), UUID.randomUUID().toString(), 9, null);
            try (EventsIn in = EventsIn.open(s.slug(), s.values().get("ownerKey"))) {
                in.send(event);
                in.confirm();
            }
        }
        for (Sandbox s : List.of(a, b)) {
            String found = s.owner().post("/events/filter", "{\"filter\":{\"id\":{\"id\":[\"" + id + "\"]}}}")
                    .expect(200).body();
            assertTrue(found.contains(id), s.slug() + " lost its event " + id + ": " + found);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Each WebSocket endpoint: anonymous, a viewer where a developer is needed, B's key on A's URL; and B's stream. */
    static List<String> webSocketProbes() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Route route : routes.stream().filter(Route::websocket).toList()) {
            String pathA = fill(route.path(), a);
            Map<String, String> tokens = new LinkedHashMap<>();
            tokens.put("no key", "stw_notakey");
            if (route.role().atLeast(Role.DEVELOPER)) tokens.put("a viewer", viewerKeyA);
            tokens.put("B's key", b.values().get("ownerKey"));
            for (Map.Entry<String, String> token : tokens.entrySet()) {
                try (RawWebSocket ws = RawWebSocket.open(pathA)) {
                    ws.text("{\"type\":\"auth\",\"token\":\"" + token.getValue() + "\"}");
                    int code = ws.awaitClose(Duration.ofSeconds(20));
                    if (code != 1008) failures.add(route + " with " + token.getKey() + " -> close " + code);
                }
            }
        }
        // B's event stream sees nothing of A's events
        Route out = routes.stream().filter(r -> r.websocket() && r.path().endsWith("/events/out")).findFirst().orElseThrow();
        try (RawWebSocket ws = RawWebSocket.open(fill(out.path(), b))) {
            ws.text("{\"type\":\"auth\",\"token\":\"" + b.values().get("ownerKey") + "\"}");
            String auth = ws.readText(Duration.ofSeconds(20));
            if (auth == null || !auth.contains("auth_success")) failures.add(out + " B's own stream: " + auth);
            ws.text("{\"type\":\"filter\",\"filter\":{\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(3600)
                    + "\"}},\"backfill\":true}");
            try (EventsIn in = EventsIn.open(a.slug(), a.values().get("ownerKey"))) {
                in.send(EventsIn.completedTask(a.values().get("flow_runs/{id}"), UUID.randomUUID().toString(), 2, null)
                        .replace("\"t-2\"", "\"" + a.marker() + "-live\""));
                in.confirm();
            }
            for (String text = ws.readText(Duration.ofSeconds(3)); text != null; text = ws.readText(Duration.ofSeconds(3))) {
                if (leaks(text, a)) failures.add(out + " B's stream carried A's event: " + abbreviate(text));
            }
        }
        return failures;
    }

    // ---------------------------------------------------------------------------------------------------------------

    static final List<String> BAD_BODIES = List.of("{", "{\"a\":", "[", "\"x\"", "42", "null", "[]", "[1,\"x\"]",
            "{\"name\":123,\"id\":{},\"tags\":\"t\",\"limit\":\"x\",\"offset\":[]}",
            "{\"name\":\"a\\u0000b\"}", "{\"value\":\"\\u0000\"}", "{\"key\":\"\\u0000\",\"tag\":\"\\u0000\"}",
            "{\"a\\u0000\":1}", "{\"flows\":{\"name\":{\"like_\":\"\\u0000\",\"any_\":[\"\\u0000\"]}}}",
            "{\"flow_runs\":{\"name\":{\"like_\":\"\\u0000\"},\"tags\":{\"all_\":[\"\\u0000\"]}}}",
            "{\"deployments\":{\"name\":{\"like_\":\"\\u0000\"}}}", "{\"variables\":{\"name\":{\"like_\":\"\\u0000\"}}}",
            "{\"filter\":{\"event\":{\"prefix\":[\"\\u0000\"]},\"resource\":{\"id\":[\"\\u0000\"]}}}",
            "{\"name\":\"" + "x".repeat(100_000) + "\"}", "{\"id\":\"not-a-uuid\",\"flow_id\":\"x\"}");
    static final List<String> BAD_QUERIES = List.of("?limit=x&offset=-1", "?flow_run_id=%00&task_run_id=not-a-uuid",
            "?format=%00&from_seq=x", "?page-token=%00", "?since=yesterday&limit=99999999999999999999");
    static final List<String> BAD_ID_VALUES = List.of("not-a-uuid", "x".repeat(300), "%00", "%2e%2e", UNKNOWN);

    /** A's ids in every filter and id field Prefect's bodies have: B's answers must not carry them. */
    static List<String> bodiesNaming(Sandbox s) {
        Map<String, String> v = s.values();
        String ids = "{\"any_\":[\"" + v.get("flows/{id}") + "\",\"" + v.get("flow_runs/{id}") + "\",\""
                + v.get("task_runs/{id}") + "\",\"" + v.get("deployments/{id}") + "\"]}";
        String names = "{\"any_\":[\"" + s.marker() + "-flow\",\"" + s.marker() + "-run\"],\"like_\":\"" + s.marker() + "\"}";
        return List.of("{}",
                "{\"flows\":{\"id\":" + ids + "},\"flow_runs\":{\"id\":" + ids + "},\"task_runs\":{\"id\":" + ids + "}}",
                "{\"flows\":{\"name\":" + names + "},\"flow_runs\":{\"name\":" + names + "}}",
                "{\"deployments\":{\"id\":" + ids + "},\"work_pools\":{\"name\":{\"any_\":[\"" + v.get("work_pools/{name}") + "\"]}}}",
                "{\"variables\":{\"name\":{\"like_\":\"" + s.marker() + "\"}}}",
                "{\"artifacts\":{\"key\":{\"like_\":\"" + s.marker() + "\"}}}",
                "{\"flow_id\":\"" + v.get("flows/{id}") + "\",\"name\":\"x\"}",
                "{\"flow_run_id\":\"" + v.get("flow_runs/{id}") + "\",\"task_key\":\"k\",\"dynamic_key\":\"9\"}",
                "{\"flow_run_id\":\"" + v.get("flow_runs/{id}") + "\",\"deployment_ids\":[\"" + v.get("deployments/{id}")
                        + "\"],\"names\":[\"" + s.marker() + "-limit\"],\"slots\":1,\"mode\":\"concurrency\"}",
                "{\"filter\":{\"any_resource\":{\"id_prefix\":[\"prefect.flow-run." + v.get("flow_runs/{id}") + "\"]}}}",
                "{\"history_start\":\"" + Instant.now().minusSeconds(3600) + "\",\"history_end\":\"" + Instant.now()
                        + "\",\"history_interval_seconds\":3600,\"flow_runs\":{\"id\":" + ids + "}}");
    }

    static boolean leaks(String body, Sandbox s) {
        if (body == null) return false;
        if (body.contains(s.marker())) return true;
        for (String key : List.of("flows/{id}", "flow_runs/{id}", "task_runs/{id}", "deployments/{id}", "variables/{id}",
                "work_queues/{id}", "{id_or_name}", "concurrency_limits/{id}")) {
            if (body.contains(s.values().get(key))) return true;
        }
        return false;
    }

    static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    /**
     * The path with each parameter set to the sandbox's object, found by the parameter with the two segments before
     * it ("variables/name/{name}"), with one ("flows/{id}", "{flow}/{name}"), or alone ("{countable}"); an unknown one
     * gets an id that exists nowhere.
     */
    static String fill(String template, Sandbox s) {
        String path = template.replace("{workspace}", s.slug());
        Matcher m = PARAM.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String[] before = path.substring(0, m.start()).split("/");
            String one = before.length > 0 ? before[before.length - 1] + "/" : "";
            String two = before.length > 1 ? before[before.length - 2] + "/" + one : one;
            String value = s.values().get(two + m.group());
            if (value == null) value = s.values().get(one + m.group());
            if (value == null) value = s.values().get(m.group());
            if (value == null) value = UNKNOWN;
            m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Each path of the route with one of its parameters (not the workspace) replaced by a bad id. */
    static List<String> withBadIds(String template, Sandbox s) {
        List<String> out = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            if (m.group(1).equals("workspace")) continue;
            String one = fill(template.substring(0, m.start()) + "BAD-ID-HERE" + template.substring(m.end()), s);
            for (String bad : BAD_ID_VALUES) out.add(one.replace("BAD-ID-HERE", bad));
        }
        return out;
    }

    /** GET and DELETE go without a body, as Prefect's client sends them (the HTTP listener refuses one with a 400). */
    static String bodyFor(Route route, String body) {
        return route.verb().equals("GET") || route.verb().equals("DELETE") ? null : body;
    }

    static void parallel(List<Route> routes, Consumer<Route> probe) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(4);
        try {
            pool.submit(() -> routes.parallelStream().forEach(probe)).get();
        } finally {
            pool.shutdown();
        }
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + ")" : s;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A digest of every row of workspace A in every table that has a workspace_id column. */
    static String digest(Sandbox s) throws Exception {
        Endpoints e = TestStack.get().endpoints();
        UUID workspace = workspaceId(s);
        StringBuilder all = new StringBuilder();
        try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = db.createStatement().executeQuery("select table_name from information_schema.columns "
                    + "where column_name = 'workspace_id' and table_schema = current_schema() order by table_name")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String table : tables) {
                try (PreparedStatement q = db.prepareStatement("select count(*), md5(coalesce(string_agg(t::text, '|' "
                        + "order by t::text), '')) from " + table + " t where workspace_id = ?")) {
                    q.setObject(1, workspace);
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        all.append(table).append('=').append(rs.getLong(1)).append(':').append(rs.getString(2)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }

    /** The digest once background work (count folding) has settled: two equal readings a second apart. */
    static String settledDigest(Sandbox s) throws Exception {
        String last = digest(s);
        for (int i = 0; i < 30; i++) {
            Thread.sleep(1000);
            String now = digest(s);
            if (now.equals(last)) return now;
            last = now;
        }
        throw new AssertionError("workspace " + s.slug() + " keeps changing on its own");
    }

    static UUID workspaceId(Sandbox s) {
        JsonObject ws = Workspaces.admin().get("/workspaces/" + s.slug()).expect(200).object();
        return UUID.fromString(ws.getString("id"));
    }
}
