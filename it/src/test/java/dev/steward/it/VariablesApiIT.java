package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.audit.AuditVerifier;
import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Prefect's variables API on the real WAR: CRUD, filters, validation, events, audit, roles and isolation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VariablesApiIT {
    String a;
    String b;
    Api apiA;
    Api apiB;

    @BeforeAll
    void workspaces() {
        a = Workspaces.create("vars-a");
        b = Workspaces.create("vars-b");
        apiA = Workspaces.api(a, Workspaces.issueKey(a, "developer"));
        apiB = Workspaces.api(b, Workspaces.issueKey(b, "developer"));
    }

    @Test
    void crudWithPrefectsShapesAndStatusCodes() {
        JsonObject created = apiA.post("/variables/", "{\"name\":\"crud_var\",\"value\":{\"n\":1},\"tags\":[\"t1\"]}")
                .expect(201).object();
        String id = created.getString("id");
        assertEquals("crud_var", created.getString("name"));
        assertEquals(Json.createObjectBuilder().add("n", 1).build(), created.getJsonObject("value"));
        assertTrue(created.containsKey("created") && created.containsKey("updated"));

        assertEquals(id, apiA.get("/variables/" + id).expect(200).object().getString("id"));
        assertEquals(id, apiA.get("/variables/name/crud_var").expect(200).object().getString("id"));
        assertEquals("\"A variable with the name 'crud_var' already exists.\"",
                apiA.post("/variables/", "{\"name\":\"crud_var\",\"value\":1}").expect(409).detail());

        apiA.patch("/variables/name/crud_var", "{\"value\":[1,2,3]}").expect(204);
        assertEquals("[1,2,3]", apiA.get("/variables/" + id).object().get("value").toString());
        apiA.patch("/variables/" + id, "{\"tags\":[\"a\",\"b\"],\"value\":null}").expect(204);
        JsonObject patched = apiA.get("/variables/" + id).object();
        assertEquals("[\"a\",\"b\"]", patched.get("tags").toString());
        assertEquals("null", patched.get("value").toString());

        apiA.delete("/variables/" + id).expect(204);
        assertEquals("\"Variable not found.\"", apiA.get("/variables/" + id).expect(404).detail());
        apiA.delete("/variables/name/crud_var").expect(404);
        apiA.patch("/variables/name/crud_var", "{\"value\":1}").expect(404);
    }

    @Test
    void filterCountSortAndPaging() {
        for (String n : List.of("page_c", "page_a", "page_b")) {
            apiA.post("/variables/", "{\"name\":\"" + n + "\",\"value\":\"" + n + "\",\"tags\":[\"paging\"]}").expect(201);
        }
        String tagFilter = "\"variables\":{\"tags\":{\"all_\":[\"paging\"]}}";
        assertEquals(List.of("page_a", "page_b", "page_c"), names(apiA.post("/variables/filter", "{" + tagFilter + "}")));
        assertEquals(List.of("page_b"), names(apiA.post("/variables/filter",
                "{" + tagFilter + ",\"sort\":\"NAME_DESC\",\"offset\":1,\"limit\":1}")));
        assertEquals(List.of("page_a"), names(apiA.post("/variables/filter",
                "{\"variables\":{\"name\":{\"like_\":\"GE_A\"}}}")));
        assertEquals("3", apiA.post("/variables/count", "{" + tagFilter + "}").expect(200).body().trim());
        assertEquals("\"Invalid limit: must be less than or equal to 200.\"",
                apiA.post("/variables/filter", "{\"limit\":201}").expect(422).detail());
        apiA.post("/variables/filter", "{\"sort\":\"SIDEWAYS\"}").expect(422);
    }

    @Test
    void badInputIsA4xxWithADetailAndChangesNothing() {
        long before = count(apiA);
        Api.Reply malformed = apiA.post("/variables/", "{\"name\": \"x\", ");
        assertEquals(422, malformed.status());
        assertTrue(malformed.detail().contains("Malformed JSON"), malformed.body());
        Api.Reply wrongType = apiA.post("/variables/", "{\"name\": 5, \"value\": 1}").expect(422);
        assertTrue(wrongType.body().contains("\"name\""), wrongType.body());
        apiA.post("/variables/", "{\"value\": 1}").expect(422);
        apiA.post("/variables/", "{\"name\": \"no_value\"}").expect(422);
        Api.Reply badName = apiA.post("/variables/", "{\"name\": \"Bad Name\", \"value\": 1}").expect(422);
        assertTrue(badName.body().contains("lowercase letters"), badName.body());
        apiA.post("/variables/", "{\"name\": \"" + "a".repeat(256) + "\", \"value\": 1}").expect(422);
        Api.Reply big = apiA.post("/variables/", "{\"name\": \"too_big\", \"value\": \"" + "x".repeat(5000) + "\"}").expect(422);
        assertTrue(big.body().contains("5000"), big.body());
        apiA.post("/variables/", "{\"name\": \"extra\", \"value\": 1, \"colour\": \"red\"}").expect(422);
        apiA.post("/variables/", "[1]").expect(422);
        apiA.get("/variables/not-a-uuid").expect(404);
        assertEquals(before, count(apiA), "rejected requests created nothing");
        // no 5xx, and JSON even for routes that do not exist
        Api.Reply unknown = apiA.get("/no-such-route");
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().startsWith("{\"detail\""), unknown.body());
    }

    @Test
    void credentialsAndRoles() {
        String base = TestStack.get().appUrl() + "/api/workspaces/" + a;
        assertEquals(401, new Api(base, null).get("/variables/name/x").status());
        assertEquals(401, Api.bearer(base, "stw_unknown000000_nope").get("/variables/name/x").status());
        assertTrue(new Api(base, null).post("/variables/count", "{}").body().contains("detail"));

        String key = Workspaces.issueKey(a, "developer");
        String basic = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        new Api(base, "Basic " + basic).post("/variables/count", "{}").expect(200);

        // revocation is immediate
        JsonObject issued = Workspaces.admin().post("/workspaces/" + a + "/api-keys", "{\"name\":\"to revoke\"}").expect(201).object();
        Api revocable = Api.bearer(base, issued.getString("key"));
        revocable.post("/variables/count", "{}").expect(200);
        Workspaces.admin().delete("/workspaces/" + a + "/api-keys/" + issued.getString("id")).expect(200);
        assertEquals(401, revocable.post("/variables/count", "{}").status());

        // an expired key is refused
        JsonObject shortLived = Workspaces.admin().post("/workspaces/" + a + "/api-keys",
                "{\"name\":\"short\",\"expires_at\":\"" + java.time.Instant.now().plusSeconds(2) + "\"}").expect(201).object();
        sleep(2500);
        assertEquals(401, Api.bearer(base, shortLived.getString("key")).post("/variables/count", "{}").status());
        Workspaces.admin().post("/workspaces/" + a + "/api-keys", "{\"name\":\"past\",\"expires_at\":\"2020-01-01T00:00:00Z\"}").expect(422);

        // a viewer reads but may not write
        Api viewer = Workspaces.api(a, Workspaces.issueKey(a, "viewer"));
        viewer.post("/variables/count", "{}").expect(200);
        viewer.post("/variables/", "{\"name\":\"viewer_write\",\"value\":1}").expect(403);

        // the admin API takes users only; bob (no platform role) may not create workspaces
        Api.bearer(TestStack.get().appUrl() + "/api/admin", key).get("/workspaces").expect(403);
        Api.bearer(TestStack.get().appUrl() + "/api/admin", TestStack.get().accessToken("bob"))
                .post("/workspaces", "{\"slug\":\"bobs\"}").expect(403);
        Workspaces.admin().post("/workspaces", "{\"slug\":\"Not A Slug\"}").expect(422);
        Workspaces.admin().post("/workspaces", "{\"slug\":\"" + a + "\"}").expect(409);
        // a keycloak user token works on the workspace API too (alice is a platform admin)
        Api.bearer(base, TestStack.get().accessToken("alice")).post("/variables/count", "{}").expect(200);
    }

    @Test
    void membershipsGrantRolesToKeycloakUsers() {
        String ws = Workspaces.create("members");
        String base = TestStack.get().appUrl() + "/api/workspaces/" + ws;
        Api bob = Api.bearer(base, TestStack.get().accessToken("bob"));
        bob.post("/variables/count", "{}").expect(404); // not a member: the workspace does not exist for bob
        Workspaces.admin().put("/workspaces/" + ws + "/members/bob", "{\"role\":\"developer\"}").expect(200);
        bob.post("/variables/", "{\"name\":\"bobs\",\"value\":1}").expect(201);
        Workspaces.admin().put("/workspaces/" + ws + "/members/bob", "{\"role\":\"viewer\"}").expect(200);
        bob.post("/variables/", "{\"name\":\"bobs2\",\"value\":1}").expect(403);
        JsonObject member = Workspaces.admin().get("/workspaces/" + ws + "/members").expect(200).array().getJsonObject(0);
        assertEquals("bob", member.getString("username"));
        assertEquals("viewer", member.getString("role"));
        // bob, a viewer, may not manage members; an unknown role is a 422
        Api.bearer(TestStack.get().appUrl() + "/api/admin", TestStack.get().accessToken("bob"))
                .put("/workspaces/" + ws + "/members/mallory", "{\"role\":\"owner\"}").expect(403);
        Workspaces.admin().put("/workspaces/" + ws + "/members/carol", "{\"role\":\"emperor\"}").expect(422);
        Workspaces.admin().delete("/workspaces/" + ws + "/members/bob").expect(204);
        bob.post("/variables/count", "{}").expect(404);
        String audit = Workspaces.api(ws, Workspaces.issueKey(ws, "admin")).get("/audit").expect(200).body();
        assertTrue(audit.contains("steward.member.created") && audit.contains("steward.member.deleted"), audit);
    }

    @Test
    void workspacesAreIsolated() {
        JsonObject secret = apiA.post("/variables/", "{\"name\":\"a_secret\",\"value\":\"only A\"}").expect(201).object();
        String id = secret.getString("id");
        // B's key on B's URL cannot reach A's variable by id or name
        apiB.get("/variables/" + id).expect(404);
        apiB.get("/variables/name/a_secret").expect(404);
        apiB.patch("/variables/" + id, "{\"value\":\"hacked\"}").expect(404);
        apiB.delete("/variables/" + id).expect(404);
        apiB.delete("/variables/name/a_secret").expect(404);
        assertEquals(List.of(), names(apiB.post("/variables/filter", "{\"variables\":{\"name\":{\"any_\":[\"a_secret\"]}}}")));
        // B's key on A's URL: the workspace does not exist for it
        Api bOnA = apiB.withAuthorization(null);
        String bKeyHeader = "Bearer " + Workspaces.issueKey(b, "owner");
        Api crossed = new Api(TestStack.get().appUrl() + "/api/workspaces/" + a, bKeyHeader);
        for (Api.Reply r : List.of(crossed.get("/variables/" + id), crossed.get("/variables/name/a_secret"),
                crossed.post("/variables/filter", "{}"), crossed.post("/variables/count", "{}"),
                crossed.patch("/variables/" + id, "{\"value\":1}"), crossed.delete("/variables/" + id),
                crossed.post("/events/filter", "{}"), crossed.get("/audit"))) {
            assertEquals(404, r.status(), r.body());
        }
        assertEquals(401, bOnA.get("/variables/" + id).status());
        apiA.get("/variables/" + id).expect(200); // untouched
        // unknown workspace
        new Api(TestStack.get().appUrl() + "/api/workspaces/no-such-ws", bKeyHeader).post("/variables/count", "{}").expect(404);
        // B's events never show A's variable
        String bEvents = apiB.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.variable.\"]}}}").expect(200).body();
        assertTrue(!bEvents.contains(id), bEvents);
    }

    @Test
    void lifecycleEventsAndAHashChainedAuditTrail() {
        String ws = Workspaces.create("events");
        String ownerKey = Workspaces.issueKey(ws, "owner");
        Api api = Workspaces.api(ws, ownerKey);
        String id = api.post("/variables/", "{\"name\":\"evented\",\"value\":1}").expect(201).object().getString("id");
        api.patch("/variables/" + id, "{\"value\":2}").expect(204);
        api.delete("/variables/" + id).expect(204);
        api.post("/variables/", "{\"name\":\"evented\",\"value\":\"x\".repeat}").expect(422); // rejected: no event

        JsonObject page = api.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.variable.\"]},\"order\":\"ASC\"}}")
                .expect(200).object();
        List<String> names = page.getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getString("event")).toList();
        assertEquals(List.of("prefect.variable.created", "prefect.variable.updated", "prefect.variable.deleted"), names);
        JsonObject created = page.getJsonArray("events").getJsonObject(0);
        assertEquals("prefect.variable." + id, created.getJsonObject("resource").getString("prefect.resource.id"));
        assertEquals("evented", created.getJsonObject("resource").getString("prefect.resource.name"));
        assertEquals(1, created.getJsonObject("payload").getInt("value"));
        assertEquals(2, page.getJsonArray("events").getJsonObject(1).getJsonObject("payload").getInt("value"));
        assertEquals(3, page.getInt("total"));

        // paging through next_page
        JsonObject first = api.post("/events/filter", "{\"limit\":1,\"filter\":{\"event\":{\"prefix\":[\"prefect.variable.\"]}}}").object();
        String next = first.getString("next_page");
        JsonObject second = new Api(next, "Bearer " + ownerKey).get("").expect(200).object();
        assertEquals(1, second.getJsonArray("events").size());
        assertTrue(!second.getJsonArray("events").getJsonObject(0).getString("id")
                .equals(first.getJsonArray("events").getJsonObject(0).getString("id")));
        api.get("/events/filter/next?page-token=garbage").expect(403);
        api.post("/events/filter", "{\"limit\":51}").expect(422);

        // audit: every change, who and from where, chained and verifiable from the export
        String export = api.get("/audit").expect(200).body();
        List<JsonObject> lines = export.lines().map(l -> Json.createReader(new StringReader(l)).readObject()).toList();
        List<String> actions = lines.stream().map(l -> l.getString("action")).collect(Collectors.toList());
        assertTrue(actions.containsAll(List.of("steward.workspace.created", "steward.api-key.created",
                "prefect.variable.created", "prefect.variable.updated", "prefect.variable.deleted")), actions.toString());
        JsonObject update = lines.stream().filter(l -> l.getString("action").equals("prefect.variable.updated")).findFirst().orElseThrow();
        assertTrue(update.getString("actor").startsWith("api-key:stw_"), update.toString());
        assertEquals("127.0.0.1", update.getString("origin_ip"));
        assertEquals("steward-it", update.getString("user_agent"));
        assertTrue(update.getString("before").contains("\"value\":1") && update.getString("after").contains("\"value\":2"), update.toString());
        assertTrue(AuditVerifier.verify(lines).isEmpty(), () -> "chain verifies: " + AuditVerifier.verify(lines));
        assertTrue(!export.contains(ownerKey.substring(17)), "no key secret in the audit trail");
        String csv = api.get("/audit?format=csv").expect(200).body();
        assertTrue(csv.startsWith("workspace_id,seq,occurred"), csv);
        assertEquals(lines.size() + 1, csv.lines().count());
        // developers may not export
        Workspaces.api(ws, Workspaces.issueKey(ws, "developer")).get("/audit").expect(403);
    }

    @Test
    void prefectClientBootstrapEndpointsAndPlatformEndpoints() {
        assertEquals("\"3.9.1\"", apiA.get("/admin/version").expect(200).body());
        assertEquals("true", apiA.get("/health").expect(200).body());
        assertEquals("\"CSRF protection is disabled.\"", apiA.get("/csrf-token?client=x").expect(422).detail());
        Api root = new Api(TestStack.get().appUrl(), null);
        String ready = root.get("/health/ready").expect(200).body();
        assertTrue(ready.contains("database") && ready.contains("redis"), ready);
        String metrics = root.get("/metrics").expect(200).body();
        assertTrue(metrics.contains("# TYPE"), metrics.substring(0, Math.min(300, metrics.length())));
        String openapi = root.get("/openapi").expect(200).body();
        assertTrue(openapi.contains("/api/workspaces/{workspace}/variables"), openapi.substring(0, Math.min(300, openapi.length())));
    }

    private static List<String> names(Api.Reply reply) {
        return reply.expect(200).array().stream().map(v -> v.asJsonObject().getString("name")).toList();
    }

    private static long count(Api api) {
        return Long.parseLong(api.post("/variables/count", "{}").expect(200).body().trim());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
