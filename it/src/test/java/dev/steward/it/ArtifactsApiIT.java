package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Prefect's artifacts API on the real WAR: versions and the latest per key, PATCH, deletion and its promotion of the
 * previous version, filters, the collection's lifecycle events, audit, a flow run's deletion, roles and isolation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactsApiIT {
    String a;
    Api apiA;
    Api apiB;

    @BeforeAll
    void workspaces() {
        a = Workspaces.create("art-a");
        String b = Workspaces.create("art-b");
        apiA = Workspaces.api(a, Workspaces.issueKey(a, "developer"));
        apiB = Workspaces.api(b, Workspaces.issueKey(b, "developer"));
    }

    private String create(Api api, String key, String data, String extra) {
        String keyField = key == null ? "" : "\"key\":\"" + key + "\",";
        return api.post("/artifacts/", "{" + keyField + "\"type\":\"markdown\",\"data\":" + data + extra + "}")
                .expect(201).object().getString("id");
    }

    private JsonObject latest(String key) {
        JsonArray page = apiA.post("/artifacts/latest/filter", "{\"artifacts\":{\"key\":{\"any_\":[\"" + key + "\"]}}}")
                .expect(200).array();
        return page.isEmpty() ? null : page.getJsonObject(0);
    }

    @Test
    void versionsAndTheLatestOfAKeyWithPrefectsShapesAndStatusCodes() {
        JsonObject first = apiA.post("/artifacts/", "{\"key\":\"crud\",\"type\":\"table\",\"description\":\"d1\","
                + "\"data\":{\"rows\":[[1,2]]},\"metadata_\":{\"m\":\"v\"}}").expect(201).object();
        for (String field : List.of("id", "created", "updated", "key", "type", "description", "data", "metadata_",
                "flow_run_id", "task_run_id")) {
            assertTrue(first.containsKey(field), field + " in " + first);
        }
        assertEquals("{\"rows\":[[1,2]]}", first.get("data").toString());
        String v1 = first.getString("id");
        String v2 = create(apiA, "crud", "\"two\"", "");
        String v3 = create(apiA, "crud", "\"three\"", "");
        assertEquals(v1, apiA.get("/artifacts/" + v1).expect(200).object().getString("id"));

        JsonObject collection = latest("crud");
        assertEquals(v3, collection.getString("latest_id"));
        assertEquals("\"three\"", collection.get("data").toString());
        // Prefect answers GET /{key}/latest with the collection in the Artifact shape: the collection's own id
        JsonObject byKey = apiA.get("/artifacts/crud/latest").expect(200).object();
        assertEquals(collection.getString("id"), byKey.getString("id"));
        assertEquals("\"three\"", byKey.get("data").toString());
        assertTrue(!byKey.containsKey("latest_id"), byKey.toString());

        // a PATCH of the latest changes its collection too; a field left out stays
        apiA.patch("/artifacts/" + v3, "{\"data\":75.5,\"description\":\"now\"}").expect(204);
        assertEquals("75.5", apiA.get("/artifacts/" + v3).object().get("data").toString());
        assertEquals("now", latest("crud").getString("description"));
        apiA.patch("/artifacts/" + v1, "{\"description\":null}").expect(204);
        assertEquals("null", apiA.get("/artifacts/" + v1).object().get("description").toString());
        assertEquals("v", apiA.get("/artifacts/" + v1).object().getJsonObject("metadata_").getString("m"));
        assertEquals("\"Artifact not found.\"", apiA.patch("/artifacts/" + UUID.randomUUID(), "{\"data\":1}")
                .expect(404).detail());

        // deleting the latest promotes the newest remaining version; an older one changes nothing
        apiA.delete("/artifacts/" + v3).expect(204);
        assertEquals(v2, latest("crud").getString("latest_id"));
        assertEquals(collection.getString("id"), latest("crud").getString("id"), "the key keeps its collection");
        apiA.delete("/artifacts/" + v1).expect(204);
        assertEquals(v2, latest("crud").getString("latest_id"));
        apiA.delete("/artifacts/" + v2).expect(204);
        assertEquals(null, latest("crud"));
        assertEquals("\"Artifact not found.\"", apiA.get("/artifacts/crud/latest").expect(404).detail());
        assertEquals("\"Artifact not found.\"", apiA.get("/artifacts/" + v2).expect(404).detail());
        apiA.delete("/artifacts/" + v2).expect(404);

        // without a key: a version, no collection
        String loose = create(apiA, null, "1", "");
        assertEquals("null", apiA.get("/artifacts/" + loose).object().get("key").toString());
        assertEquals("0", apiA.post("/artifacts/latest/count", "{\"artifacts\":{\"latest_id\":{\"any_\":[\"" + loose
                + "\"]}}}").expect(200).body().trim());
    }

    @Test
    void filtersCountsSortsAndPaging() {
        for (String key : List.of("page-c", "page-a", "page-b")) create(apiA, key, "\"" + key + "\"", "");
        create(apiA, "page-a", "\"again\"", "");
        String byLike = "\"artifacts\":{\"key\":{\"like_\":\"PAGE-\"}}";
        assertEquals(List.of("page-a", "page-a", "page-b", "page-c"),
                keys(apiA.post("/artifacts/filter", "{" + byLike + ",\"sort\":\"KEY_ASC\"}").expect(200).array()));
        assertEquals(List.of("page-b"), keys(apiA.post("/artifacts/filter",
                "{" + byLike + ",\"sort\":\"KEY_DESC\",\"offset\":1,\"limit\":1}").expect(200).array()));
        assertEquals("4", apiA.post("/artifacts/count", "{" + byLike + "}").expect(200).body().trim());
        assertEquals("3", apiA.post("/artifacts/latest/count", "{" + byLike + "}").expect(200).body().trim());
        assertEquals(List.of("page-c", "page-b", "page-a"), keys(apiA.post("/artifacts/latest/filter",
                "{" + byLike + ",\"sort\":\"KEY_DESC\"}").expect(200).array()));
        assertEquals("0", apiA.post("/artifacts/count", "{\"artifacts\":{\"type\":{\"not_any_\":[\"markdown\"]},"
                + "\"key\":{\"like_\":\"page-\"}}}").expect(200).body().trim());
        assertEquals("\"Invalid limit: must be less than or equal to 200.\"",
                apiA.post("/artifacts/filter", "{\"limit\":201}").expect(422).detail());
        apiA.post("/artifacts/filter", "{\"sort\":\"NAME_ASC\"}").expect(422);
        apiA.post("/artifacts/latest/filter", "{\"artifacts\":{\"id\":{\"any_\":[]}}}").expect(422);
        apiA.post("/artifacts/count", "{\"artifacts\":{\"is_latest\":true}}").expect(422);
        apiA.post("/artifacts/count", "{\"work_pools\":{}}").expect(422);
    }

    @Test
    void badInputIsA422AndCreatesNothing() {
        String count = apiA.post("/artifacts/count", "{}").expect(200).body();
        Api.Reply badKey = apiA.post("/artifacts/", "{\"key\":\"Not_Valid\"}").expect(422);
        assertTrue(badKey.body().contains("lowercase letters, numbers, and dashes"), badKey.body());
        apiA.post("/artifacts/", "{\"key\":\"ok\",\"colour\":\"red\"}").expect(422);
        apiA.post("/artifacts/", "{\"metadata_\":{\"n\":1}}").expect(422);
        apiA.post("/artifacts/", "{\"flow_run_id\":\"nope\"}").expect(422);
        apiA.post("/artifacts/", "[1]").expect(422);
        apiA.patch("/artifacts/" + UUID.randomUUID(), "{\"key\":\"k\"}").expect(422);
        assertEquals(count, apiA.post("/artifacts/count", "{}").expect(200).body());
    }

    @Test
    void collectionEventsAndAudit() {
        String ws = Workspaces.create("art-events");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "owner"));
        UUID run = UUID.randomUUID();
        String v1 = create(api, "evented", "\"one\"", ",\"flow_run_id\":\"" + run + "\"");
        String v2 = create(api, "evented", "\"two\"", "");
        api.patch("/artifacts/" + v2, "{\"data\":\"patched\"}").expect(204);
        api.delete("/artifacts/" + v2).expect(204);
        api.delete("/artifacts/" + v1).expect(204);
        create(api, null, "\"no key\"", "");

        JsonArray events = api.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.artifact\"]},"
                + "\"order\":\"ASC\"}}").expect(200).object().getJsonArray("events");
        assertEquals(List.of("prefect.artifact-collection.created", "prefect.artifact-collection.updated",
                        "prefect.artifact-collection.updated", "prefect.artifact-collection.deleted"),
                events.stream().map(e -> e.asJsonObject().getString("event")).toList(),
                "the server emits a collection's events only: none for a PATCH or a version without a key");
        JsonObject created = events.getJsonObject(0);
        assertEquals("evented", created.getJsonObject("resource").getString("prefect.resource.name"));
        assertTrue(created.getJsonObject("resource").getString("prefect.resource.id").startsWith("prefect.artifact-collection."));
        // compared as JSON values: the event store (jsonb) keeps no key order
        assertEquals(json("[{\"prefect.resource.id\":\"prefect.artifact." + v1 + "\",\"prefect.resource.role\":\"latest\"},"
                + "{\"prefect.resource.id\":\"prefect.flow-run." + run + "\",\"prefect.resource.role\":\"flow-run\"}]"),
                created.getJsonArray("related"));
        assertEquals(json("{\"key\":\"evented\",\"type\":\"markdown\",\"data\":\"one\",\"description\":null}"),
                created.getJsonObject("payload"));
        // the second update is the promotion of v1 when v2 goes
        assertEquals("prefect.artifact." + v1, events.getJsonObject(2).getJsonArray("related").getJsonObject(0)
                .getString("prefect.resource.id"));

        String audit = api.get("/audit").expect(200).body();
        for (String action : List.of("prefect.artifact.created", "prefect.artifact.updated", "prefect.artifact.deleted",
                "prefect.artifact-collection.created", "prefect.artifact-collection.deleted")) {
            assertTrue(audit.contains("\"action\":\"" + action + "\""), action + " audited: " + audit);
        }
    }

    @Test
    void deletingAFlowRunDeletesItsArtifactsAndPromotesThePreviousVersion() {
        String flowId = apiA.post("/flows/", "{\"name\":\"artifact-maker\"}").expect(201).object().getString("id");
        String run1 = apiA.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        String run2 = apiA.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        String kept = create(apiA, "per-run", "1", ",\"flow_run_id\":\"" + run1 + "\"");
        create(apiA, "per-run", "2", ",\"flow_run_id\":\"" + run2 + "\"");
        create(apiA, "only-run-2", "3", ",\"flow_run_id\":\"" + run2 + "\"");
        String ofRun2 = "{\"flow_runs\":{\"id\":{\"any_\":[\"" + run2 + "\"]}}}";
        assertEquals("2", apiA.post("/artifacts/count", ofRun2).expect(200).body().trim());

        apiA.delete("/flow_runs/" + run2).expect(204);
        assertEquals("0", apiA.post("/artifacts/count", "{\"artifacts\":{\"flow_run_id\":{\"any_\":[\"" + run2
                + "\"]}}}").expect(200).body().trim());
        assertEquals(kept, latest("per-run").getString("latest_id"));
        assertEquals(null, latest("only-run-2"));
    }

    @Test
    void rolesAndIsolation() {
        String id = create(apiA, "isolated", "\"only A\"", "");
        Api viewer = Workspaces.api(a, Workspaces.issueKey(a, "viewer"));
        viewer.get("/artifacts/" + id).expect(200);
        viewer.post("/artifacts/filter", "{}").expect(200);
        viewer.post("/artifacts/", "{\"key\":\"viewer\"}").expect(403);
        viewer.patch("/artifacts/" + id, "{\"data\":1}").expect(403);
        viewer.delete("/artifacts/" + id).expect(403);

        apiB.get("/artifacts/" + id).expect(404);
        apiB.get("/artifacts/isolated/latest").expect(404);
        apiB.patch("/artifacts/" + id, "{\"data\":1}").expect(404);
        apiB.delete("/artifacts/" + id).expect(404);
        assertEquals("[]", apiB.post("/artifacts/filter", "{\"artifacts\":{\"key\":{\"any_\":[\"isolated\"]}}}")
                .expect(200).body().trim());
        // B's version of the same key is B's own
        String bId = create(apiB, "isolated", "\"only B\"", "");
        assertNotEquals(bId, latest("isolated").getString("latest_id"));
        assertEquals("\"only A\"", apiA.get("/artifacts/isolated/latest").object().get("data").toString());
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    private static List<String> keys(JsonArray page) {
        return page.stream().map(e -> e.asJsonObject().getString("key")).toList();
    }
}
