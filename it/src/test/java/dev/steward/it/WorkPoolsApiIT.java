package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Prefect's work pools API on the real WAR: pools with their default queue, queues and priorities, workers and
 * statuses, the legacy work queue routes, get_scheduled_flow_runs with its claim, lifecycle events, flow-run state
 * events related to the pool (what a worker subscribes to for cancellations), isolation and bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkPoolsApiIT {
    static final String TEMPLATE = "{\"job_configuration\":{\"command\":\"{{ command }}\"},"
            + "\"variables\":{\"properties\":{\"command\":{\"type\":\"string\"}}}}";
    String ws;
    Api api;
    Api viewer;
    Api other;
    String key;

    @BeforeAll
    void workspaces() {
        ws = Workspaces.create("pools");
        key = Workspaces.issueKey(ws, "developer");
        api = Workspaces.api(ws, key);
        viewer = Workspaces.api(ws, Workspaces.issueKey(ws, "viewer"));
        String o = Workspaces.create("pools-other");
        other = Workspaces.api(o, Workspaces.issueKey(o, "developer"));
    }

    @Test
    void poolsWithTheirDefaultQueueFilterCountUpdateDelete() {
        JsonObject pool = api.post("/work_pools/", "{\"name\":\"crud-pool\",\"type\":\"process\",\"base_job_template\":"
                + TEMPLATE + ",\"concurrency_limit\":3}").expect(201).object();
        assertEquals("process", pool.getString("type"));
        assertEquals("NOT_READY", pool.getString("status"), "no worker yet");
        assertEquals(0, pool.getInt("active_slots"));
        assertEquals(JsonValue.NULL, pool.getJsonObject("storage_configuration").get("bundle_upload_step"));
        String defaultQueue = pool.getString("default_queue_id");
        JsonArray queues = api.post("/work_pools/crud-pool/queues/filter", "{}").expect(200).array();
        assertEquals(1, queues.size());
        assertEquals("default", queues.getJsonObject(0).getString("name"));
        assertEquals(defaultQueue, queues.getJsonObject(0).getString("id"));
        assertEquals(1, queues.getJsonObject(0).getInt("priority"));
        assertEquals("crud-pool", queues.getJsonObject(0).getString("work_pool_name"));

        assertEquals("\"A work pool with this name already exists.\"",
                api.post("/work_pools/", "{\"name\":\"crud-pool\"}").expect(409).detail());
        assertEquals("\"Work pools starting with 'Prefect' are reserved for internal use.\"",
                api.post("/work_pools/", "{\"name\":\"Prefect-managed\"}").expect(403).detail());
        assertEquals(pool.getString("id"), api.get("/work_pools/crud-pool").expect(200).object().getString("id"));
        api.post("/work_pools/", "{\"name\":\"crud-other\",\"type\":\"docker\"}").expect(201);
        assertEquals(List.of("crud-other", "crud-pool"), names(api.post("/work_pools/filter",
                "{\"work_pools\":{\"name\":{\"any_\":[\"crud-pool\",\"crud-other\"]}}}").expect(200).array()));
        assertEquals(List.of("crud-other"), names(api.post("/work_pools/filter",
                "{\"work_pools\":{\"type\":{\"any_\":[\"docker\"]}},\"limit\":5}").expect(200).array()));
        assertEquals("2", api.post("/work_pools/count", "{\"work_pools\":{\"name\":{\"any_\":[\"crud-pool\",\"crud-other\"]}}}")
                .expect(200).body().trim());
        assertEquals("0", other.post("/work_pools/count", "{}").expect(200).body().trim(), "another workspace sees none");
        other.get("/work_pools/crud-pool").expect(404);

        api.patch("/work_pools/crud-pool", "{\"description\":\"d\",\"concurrency_limit\":null,\"is_paused\":true}").expect(204);
        JsonObject patched = api.get("/work_pools/crud-pool").object();
        assertEquals("d", patched.getString("description"));
        assertEquals(JsonValue.NULL, patched.get("concurrency_limit"));
        assertEquals(JsonValue.NULL, patched.get("active_slots"));
        assertEquals("PAUSED", patched.getString("status"));
        JsonObject updated = lastEvent("prefect.work-pool.updated", "prefect.work-pool." + pool.getString("id"));
        assertEquals("[\"description\",\"concurrency_limit\"]", updated.getJsonObject("payload").get("updated_fields").toString());
        assertEquals(3, updated.getJsonObject("payload").getJsonObject("updates").getJsonObject("concurrency_limit").getInt("from"));
        assertEquals(JsonValue.NULL, updated.getJsonObject("payload").getJsonObject("updates").getJsonObject("concurrency_limit").get("to"));
        assertEquals("process", updated.getJsonObject("resource").getString("prefect.work-pool.type"));
        assertNotNull(lastEvent("prefect.work-pool.paused", "prefect.work-pool." + pool.getString("id")));
        JsonObject created = lastEvent("prefect.work-pool.created", "prefect.work-pool." + pool.getString("id"));
        assertEquals("prefect.work-queue." + defaultQueue,
                created.getJsonArray("related").getJsonObject(0).getString("prefect.resource.id"));

        viewer.delete("/work_pools/crud-pool").expect(403);
        api.delete("/work_pools/crud-pool").expect(204);
        api.get("/work_pools/crud-pool").expect(404);
        assertNotNull(lastEvent("prefect.work-pool.deleted", "prefect.work-pool." + pool.getString("id")));
        assertNotNull(lastEvent("prefect.work-queue.deleted", "prefect.work-queue." + defaultQueue));
        assertEquals("\"Work pool \\\"crud-pool\\\" not found.\"", api.delete("/work_pools/crud-pool").expect(404).detail());
    }

    @Test
    void queuesPrioritiesUpdatesAndTheLegacyRoutes() {
        api.post("/work_pools/", "{\"name\":\"q-pool\",\"type\":\"process\"}").expect(201);
        JsonObject a = api.post("/work_pools/q-pool/queues", "{\"name\":\"a\",\"concurrency_limit\":2}").expect(201).object();
        assertEquals(2, a.getInt("priority"), "the first free priority");
        assertEquals(0, a.getInt("active_slots"));
        JsonObject b = api.post("/work_pools/q-pool/queues", "{\"name\":\"b\",\"priority\":1}").expect(201).object();
        assertEquals(1, b.getInt("priority"));
        assertEquals(List.of("b", "default", "a"), names(api.post("/work_pools/q-pool/queues/filter", "{}").array()),
                "the queue placed at 1 pushed the others down");
        assertEquals(List.of("a"), names(api.post("/work_pools/q-pool/queues/filter",
                "{\"work_queues\":{\"name\":{\"startswith_\":[\"A\"]}}}").array()));
        assertEquals("\"A work queue with this name already exists in work pool 'q-pool'.\"",
                api.post("/work_pools/q-pool/queues", "{\"name\":\"a\"}").expect(409).detail());

        api.patch("/work_pools/q-pool/queues/a", "{\"priority\":1,\"is_paused\":true,\"description\":\"x\"}").expect(204);
        JsonObject readA = api.get("/work_pools/q-pool/queues/a").expect(200).object();
        assertEquals(1, readA.getInt("priority"));
        assertEquals("PAUSED", readA.getString("status"));
        JsonObject queueEvent = lastEvent("prefect.work-queue.updated", "prefect.work-queue." + a.getString("id"));
        assertEquals(Set.of("priority", "description"), new HashSet<>(queueEvent.getJsonObject("payload")
                .getJsonArray("updated_fields").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList()));
        assertEquals("work-pool", queueEvent.getJsonArray("related").getJsonObject(0).getString("prefect.resource.role"));

        // the legacy routes, by id
        String id = a.getString("id");
        assertEquals("a", api.get("/work_queues/" + id).expect(200).object().getString("name"));
        api.patch("/work_queues/" + id, "{\"name\":\"a2\"}").expect(204);
        assertEquals("a2", api.get("/work_pools/q-pool/queues/a2").expect(200).object().getString("name"));
        JsonObject status = api.get("/work_queues/" + id + "/status").expect(200).object();
        assertEquals(false, status.getBoolean("healthy"), "never polled");
        assertEquals(60, status.getJsonObject("health_check_policy").getInt("maximum_seconds_since_last_polled"));
        assertTrue(api.post("/work_queues/filter", "{\"work_queues\":{\"id\":{\"any_\":[\"" + id + "\"]}}}").array().size() == 1);
        api.get("/work_queues/not-a-uuid").expect(404);
        other.get("/work_queues/" + id).expect(404);
        JsonObject legacy = api.post("/work_queues/", "{\"name\":\"legacy-q\"}").expect(201).object();
        assertEquals("default-agent-pool", legacy.getString("work_pool_name"));
        assertEquals(legacy.getString("id"), api.get("/work_queues/name/legacy-q").expect(200).object().getString("id"));
        assertEquals(JsonValue.NULL, api.get("/work_pools/default-agent-pool").object().get("status"), "agent pools have none");

        String defaultId = api.get("/work_pools/q-pool").object().getString("default_queue_id");
        assertEquals("\"Can't delete a pool's default queue.\"",
                api.delete("/work_pools/q-pool/queues/default").expect(400).detail());
        api.delete("/work_queues/" + id).expect(204);
        api.get("/work_queues/" + id).expect(404);
        api.delete("/work_pools/q-pool/queues/nope").expect(404);
        assertEquals(List.of(2, 3), api.post("/work_pools/q-pool/queues/filter", "{}").array().stream()
                .map(v -> v.asJsonObject().getInt("priority")).toList(), "Prefect keeps the gap a deleted queue leaves");
        assertEquals(defaultId, api.get("/work_pools/q-pool/queues/default").object().getString("id"));
    }

    @Test
    void workersHeartbeatAndMakeThePoolReady() {
        api.post("/work_pools/", "{\"name\":\"w-pool\",\"type\":\"process\"}").expect(201);
        assertEquals("NOT_READY", api.get("/work_pools/w-pool").object().getString("status"));
        api.post("/work_pools/w-pool/workers/heartbeat", "{\"name\":\"w1\",\"heartbeat_interval_seconds\":20}").expect(204);
        api.post("/work_pools/w-pool/workers/heartbeat", "{\"name\":\"w1\"}").expect(204);
        api.post("/work_pools/w-pool/workers/heartbeat", "{\"name\":\"w2\"}").expect(204);
        assertEquals("READY", api.get("/work_pools/w-pool").object().getString("status"));
        JsonArray workers = api.post("/work_pools/w-pool/workers/filter", "{}").expect(200).array();
        assertEquals(Set.of("w1", "w2"), workers.stream().map(w -> w.asJsonObject().getString("name")).collect(Collectors.toSet()));
        JsonObject w1 = workers.stream().map(JsonValue::asJsonObject).filter(w -> w.getString("name").equals("w1")).findFirst().orElseThrow();
        assertEquals(20, w1.getInt("heartbeat_interval_seconds"), "kept when a heartbeat gives none");
        assertEquals("ONLINE", w1.getString("status"));
        assertEquals(false, w1.getBoolean("channel"), "a REST heartbeat");
        assertEquals(0, api.post("/work_pools/w-pool/workers/filter", "{\"workers\":{\"status\":{\"any_\":[\"OFFLINE\"]}}}")
                .array().size());
        assertEquals(2, api.post("/work_pools/w-pool/workers/filter", "{\"workers\":{\"last_heartbeat_time\":{\"before_\":\""
                + Instant.now().plusSeconds(5) + "\"}}}").array().size());
        api.delete("/work_pools/w-pool/workers/w2").expect(204);
        assertEquals("\"Worker not found.\"", api.delete("/work_pools/w-pool/workers/w2").expect(404).detail());
        api.post("/work_pools/nope/workers/heartbeat", "{\"name\":\"w1\"}").expect(404);
    }

    /**
     * Prefect's status events, each change announced once: a pool's heartbeats and their going stale, pause and
     * resume; a queue's and its deployment's polls and their going stale (the test stack times polls out after 10 s
     * and looks every second).
     */
    @Test
    void statusChangesAreAnnouncedOnce() throws InterruptedException {
        JsonObject pool = api.post("/work_pools/", "{\"name\":\"status-pool\",\"type\":\"process\"}").expect(201).object();
        String poolResource = "prefect.work-pool." + pool.getString("id");
        String queueResource = "prefect.work-queue." + pool.getString("default_queue_id");
        String flow = api.post("/flows/", "{\"name\":\"status-flow\"}").object().getString("id");
        String deployment = api.post("/deployments/", "{\"name\":\"status-deployment\",\"flow_id\":\"" + flow
                + "\",\"work_pool_name\":\"status-pool\"}").expect(201).object().getString("id");
        String deploymentResource = "prefect.deployment." + deployment;

        // a worker heartbeating every second: READY, and NOT_READY three intervals after its last heartbeat
        api.post("/work_pools/status-pool/workers/heartbeat", "{\"name\":\"w\",\"heartbeat_interval_seconds\":1}").expect(204);
        api.post("/work_pools/status-pool/workers/heartbeat", "{\"name\":\"w\"}").expect(204);
        assertEquals(List.of("not-ready", "ready"), statusEvents(poolResource, "prefect.work-pool."), "created, then a heartbeat");
        awaitStatusEvents(poolResource, "prefect.work-pool.", List.of("not-ready", "ready", "not-ready"));
        api.patch("/work_pools/status-pool", "{\"is_paused\":true}").expect(204);
        api.patch("/work_pools/status-pool", "{\"is_paused\":true}").expect(204);
        api.patch("/work_pools/status-pool", "{\"is_paused\":false}").expect(204);
        assertEquals(List.of("not-ready", "ready", "not-ready", "paused", "not-ready"),
                statusEvents(poolResource, "prefect.work-pool."), "paused once; resumed without an online worker");

        // a worker's poll of the pool: its queue and the deployment in it are READY, then NOT_READY once the poll is old
        api.post("/work_pools/status-pool/get_scheduled_flow_runs", "{}").expect(200);
        api.post("/work_pools/status-pool/get_scheduled_flow_runs", "{}").expect(200);
        assertEquals(List.of("ready"), statusEvents(queueResource, "prefect.work-queue."));
        assertEquals(List.of("ready"), statusEvents(deploymentResource, "prefect.deployment.r", "prefect.deployment.n"));
        assertEquals("READY", api.get("/deployments/" + deployment).object().getString("status"));
        JsonObject ready = events(deploymentResource, "prefect.deployment.r").get(0);
        assertEquals(Set.of("flow", "work-queue", "work-pool"), ready.getJsonArray("related").stream()
                .map(r -> r.asJsonObject().getString("prefect.resource.role")).collect(Collectors.toSet()));
        awaitStatusEvents(queueResource, "prefect.work-queue.", List.of("ready", "not-ready"));
        awaitStatusEvents(deploymentResource, "prefect.deployment.r", List.of("ready", "not-ready"), "prefect.deployment.n");
        assertEquals("NOT_READY", api.get("/deployments/" + deployment).object().getString("status"));
        api.patch("/work_queues/" + pool.getString("default_queue_id"), "{\"is_paused\":true}").expect(204);
        assertEquals(List.of("ready", "not-ready", "paused"), statusEvents(queueResource, "prefect.work-queue."));
        assertEquals(List.of(), other.post("/events/filter", "{\"filter\":{\"any_resource\":{\"id\":[\"" + poolResource
                + "\"]}}}").expect(200).object().getJsonArray("events"), "another workspace sees none of them");
    }

    private void awaitStatusEvents(String resource, String prefix, List<String> expected, String... prefixes)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!statusEvents(resource, prefix, prefixes).equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
        assertEquals(expected, statusEvents(resource, prefix, prefixes));
    }

    /** The status words of the resource's events under these prefixes, oldest first. */
    private List<String> statusEvents(String resource, String prefix, String... prefixes) {
        return events(resource, prefix, prefixes).stream().map(e -> e.getString("event"))
                .map(name -> name.substring(name.lastIndexOf('.') + 1)).toList();
    }

    private List<JsonObject> events(String resource, String prefix, String... prefixes) {
        String all = Stream.concat(Stream.of(prefix), Stream.of(prefixes)).map(p -> "\"" + p + "\"")
                .collect(Collectors.joining(","));
        return api.post("/events/filter", "{\"filter\":{\"any_resource\":{\"id\":[\"" + resource + "\"]},"
                        + "\"event\":{\"prefix\":[" + all + "]},\"order\":\"ASC\"},\"limit\":50}")
                .expect(200).object().getJsonArray("events").stream().map(JsonValue::asJsonObject)
                .filter(e -> !e.getString("event").endsWith(".created") && !e.getString("event").endsWith(".updated"))
                .toList();
    }

    @Test
    void scheduledRunsAreClaimedOnceInPriorityOrderWithinLimits() {
        api.post("/work_pools/", "{\"name\":\"run-pool\",\"type\":\"process\"}").expect(201);
        api.post("/work_pools/run-pool/queues", "{\"name\":\"urgent\",\"priority\":1}").expect(201);
        String flow = api.post("/flows/", "{\"name\":\"pool-flow\"}").object().getString("id");
        Instant past = Instant.now().minusSeconds(60);
        String late = run(flow, "run-pool", null, past);
        String urgent = run(flow, "run-pool", "urgent", past.plusSeconds(30));
        String future = run(flow, "run-pool", null, Instant.now().plusSeconds(3600));
        JsonObject created = api.get("/flow_runs/" + urgent).object();
        assertEquals("urgent", created.getString("work_queue_name"));
        assertEquals("run-pool", created.getString("work_pool_name"));

        JsonArray got = api.post("/work_pools/run-pool/get_scheduled_flow_runs",
                "{\"scheduled_before\":\"" + Instant.now() + "\"}").expect(200).array();
        assertEquals(List.of(urgent, late), got.stream().map(r -> r.asJsonObject().getJsonObject("flow_run").getString("id")).toList(),
                "the urgent queue first, then the default one");
        assertEquals(created.getString("work_queue_id"), got.getJsonObject(0).getString("work_queue_id"));
        assertEquals(0, api.post("/work_pools/run-pool/get_scheduled_flow_runs", "{\"scheduled_before\":\"" + Instant.now() + "\"}")
                .array().size(), "claimed runs are not handed out again");
        assertEquals(List.of(future), api.post("/work_pools/run-pool/get_scheduled_flow_runs", "{}").array().stream()
                .map(r -> r.asJsonObject().getJsonObject("flow_run").getString("id")).toList());
        assertEquals("READY", api.get("/work_pools/run-pool/queues/urgent").object().getString("status"), "polled");
        assertEquals("\"Work pool queue 'run-pool/nope' not found.\"", api.post("/work_pools/run-pool/get_scheduled_flow_runs",
                "{\"work_queue_names\":[\"nope\"]}").expect(404).detail());
        assertEquals("\"Work pool queue 'run-pool/nope' not found.\"", api.post("/flow_runs/",
                "{\"flow_id\":\"" + flow + "\",\"work_pool_name\":\"run-pool\",\"work_queue_name\":\"nope\"}").expect(404).detail());

        // the legacy queue route claims the same way
        api.post("/work_pools/", "{\"name\":\"limit-pool\",\"type\":\"process\",\"concurrency_limit\":1}").expect(201);
        String r1 = run(flow, "limit-pool", null, past);
        run(flow, "limit-pool", null, past.plusSeconds(1));
        String queueId = api.get("/work_pools/limit-pool").object().getString("default_queue_id");
        assertEquals(List.of(r1), api.post("/work_queues/" + queueId + "/get_runs", "{}").expect(200).array().stream()
                .map(r -> r.asJsonObject().getString("id")).toList(), "one slot");
        assertEquals(0, api.post("/work_pools/limit-pool/get_scheduled_flow_runs", "{}").array().size(),
                "the claimed run holds the pool's only slot");
        api.post("/flow_runs/" + r1 + "/set_state", "{\"state\":{\"type\":\"PENDING\"}}").expect(201);
        assertEquals(1, api.get("/work_pools/limit-pool").object().getInt("active_slots"));
        assertEquals(0, api.post("/work_pools/limit-pool/get_scheduled_flow_runs", "{}").array().size(), "still one slot");
        api.patch("/work_pools/limit-pool", "{\"concurrency_limit\":2}").expect(204);
        assertEquals(1, api.post("/work_pools/limit-pool/get_scheduled_flow_runs", "{}").array().size());
    }

    @Test
    void aCancellingRunOfThePoolReachesAWorkersEventSubscription() throws Exception {
        JsonObject pool = api.post("/work_pools/", "{\"name\":\"cancel-pool\",\"type\":\"process\"}").expect(201).object();
        String flow = api.post("/flows/", "{\"name\":\"cancel-flow\",\"tags\":[\"ft\"]}").object().getString("id");
        try (RawWebSocket socket = RawWebSocket.open("/api/workspaces/" + ws + "/events/out")) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
            assertEquals("{\"type\":\"auth_success\"}", socket.readText(Duration.ofSeconds(20)));
            // the worker's filter (workers/base.py): Cancelling events with any resource the pool, and the time
            // window its events client sends (the last minute up to a year ahead)
            socket.text("{\"type\":\"filter\",\"filter\":{\"event\":{\"name\":[\"prefect.flow-run.Cancelling\"]},"
                    + "\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(60) + "\",\"until\":\""
                    + Instant.now().plus(Duration.ofDays(365)) + "\"},"
                    + "\"any_resource\":{\"id\":[\"prefect.work-pool." + pool.getString("id") + "\"]}}}");
            String id = run(flow, "cancel-pool", null, Instant.now().minusSeconds(1));
            api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"PENDING\"}}").expect(201);
            api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);
            api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"CANCELLING\"}}").expect(201);
            String frame = socket.readText(Duration.ofSeconds(20));
            assertNotNull(frame, "the Cancelling event reached the subscription");
            JsonObject event = jakarta.json.Json.createReader(new java.io.StringReader(frame)).readObject().getJsonObject("event");
            assertEquals("prefect.flow-run.Cancelling", event.getString("event"));
            assertEquals("prefect.flow-run." + id, event.getJsonObject("resource").getString("prefect.resource.id"));
            List<String> related = event.getJsonArray("related").stream()
                    .map(r -> r.asJsonObject().getString("prefect.resource.id")).toList();
            String queue = pool.getString("default_queue_id");
            assertEquals(List.of("prefect.flow." + flow, "prefect.work-queue." + queue,
                    "prefect.work-pool." + pool.getString("id"), "prefect.tag.ft", "prefect.tag.rt"), related);
            assertEquals("process", event.getJsonArray("related").getJsonObject(2).getString("prefect.work-pool.type"));
        }
    }

    @Test
    void badInputIsA4xxWithADetail() {
        api.post("/work_pools/", "{\"name\":\"bad-pool\",\"type\":\"process\"}").expect(201);
        for (String body : List.of("{}", "{\"name\":\"\\\"\\\"\"}", "{\"name\":\"a/b\"}", "{\"name\":1}",
                "{\"name\":\"x\",\"concurrency_limit\":-1}", "{\"name\":\"x\",\"base_job_template\":{\"job_configuration\":{}}}",
                "{\"name\":\"x\",\"base_job_template\":{\"job_configuration\":{\"c\":\"{{ nope }}\"},\"variables\":{\"properties\":{\"a\":{}}}}}",
                "{\"name\":\"x\",\"base_job_template\":[]}", "{\"name\":\"x\",\"is_paused\":\"yes\"}", "{\"name\":\"x\",\"extra\":1}",
                "{\"name\":\"x\",\"storage_configuration\":{\"nope\":1}}", "[1]", "not json")) {
            assertEquals(422, api.post("/work_pools/", body).status(), body);
        }
        assertEquals(422, api.patch("/work_pools/bad-pool", "{\"concurrency_limit\":-2}").status());
        assertEquals(422, api.patch("/work_pools/bad-pool", "{\"name\":\"renamed\"}").status());
        assertEquals(404, api.patch("/work_pools/nope", "{}").status());
        for (String body : List.of("{}", "{\"name\":\"q%\"}", "{\"name\":\"q\",\"priority\":0}", "{\"name\":\"q\",\"concurrency_limit\":-1}",
                "{\"name\":\"q\",\"priority\":\"high\"}")) {
            assertEquals(422, api.post("/work_pools/bad-pool/queues", body).status(), body);
        }
        assertEquals(404, api.post("/work_pools/nope/queues", "{\"name\":\"q\"}").status());
        assertEquals(404, api.get("/work_pools/bad-pool/queues/nope").status());
        for (String body : List.of("{\"limit\":201}", "{\"limit\":-1}", "{\"scheduled_before\":\"yesterday\"}",
                "{\"work_queue_names\":\"default\"}", "{\"offset\":1}")) {
            assertEquals(422, api.post("/work_pools/bad-pool/get_scheduled_flow_runs", body).status(), body);
        }
        for (String body : List.of("{\"workers\":{\"status\":{\"any_\":[\"AWAY\"]}}}", "{\"offset\":-1}",
                "{\"workers\":{\"last_heartbeat_time\":{\"before_\":1}}}")) {
            assertEquals(422, api.post("/work_pools/bad-pool/workers/filter", body).status(), body);
        }
        assertEquals(422, api.post("/work_pools/bad-pool/workers/heartbeat", "{}").status());
        assertEquals(422, api.post("/work_pools/filter", "{\"work_pools\":{\"id\":{\"any_\":[\"x\"]}}}").status());
        assertEquals(422, api.post("/work_queues/filter", "{\"work_queues\":{\"name\":{\"like_\":\"x\"}}}").status());
        assertEquals(404, api.post("/work_queues/" + java.util.UUID.randomUUID() + "/get_runs", "{}").status());
    }

    private String run(String flow, String pool, String queue, Instant scheduled) {
        return api.post("/flow_runs/", "{\"flow_id\":\"" + flow + "\",\"work_pool_name\":\"" + pool + "\""
                + (queue == null ? "" : ",\"work_queue_name\":\"" + queue + "\"") + ",\"tags\":[\"rt\"],"
                + "\"state\":{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\"" + scheduled + "\"}}}")
                .expect(201).object().getString("id");
    }

    private JsonObject lastEvent(String name, String resourceId) {
        JsonArray events = api.post("/events/filter", "{\"filter\":{\"event\":{\"name\":[\"" + name + "\"]},"
                + "\"resource\":{\"id\":[\"" + resourceId + "\"]}}}").expect(200).object().getJsonArray("events");
        return events.isEmpty() ? null : events.getJsonObject(0);
    }

    private static List<String> names(JsonArray array) {
        return array.stream().map(v -> v.asJsonObject().getString("name")).toList();
    }
}
