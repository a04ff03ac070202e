package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Prefect's flows API: upsert by name (also under concurrency), reads, filters, update, delete, lifecycle events. */
class FlowsApiIT {
    @Test
    void upsertReadFilterUpdateDelete() {
        String ws = Workspaces.create("flows");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        JsonObject created = api.post("/flows/", "{\"name\":\"etl\",\"tags\":[\"nightly\"],\"labels\":{\"team\":\"data\"}}")
                .expect(201).object();
        String id = created.getString("id");
        assertEquals("data", created.getJsonObject("labels").getString("team"));
        assertEquals(id, api.post("/flows/", "{\"name\":\"etl\"}").expect(200).object().getString("id"),
                "the second create returns the existing flow");
        api.post("/flows/", "{\"name\":\"report\"}").expect(201);
        assertEquals(id, api.get("/flows/" + id).expect(200).object().getString("id"));
        assertEquals(id, api.get("/flows/name/etl").expect(200).object().getString("id"));
        assertEquals("\"Flow not found\"", api.get("/flows/name/nope").expect(404).detail());

        assertEquals(List.of("etl", "report"), names(api.post("/flows/filter", "{}")));
        assertEquals(List.of("report", "etl"), names(api.post("/flows/filter", "{\"sort\":\"NAME_DESC\"}")));
        assertEquals(List.of("etl"), names(api.post("/flows/filter", "{\"flows\":{\"tags\":{\"all_\":[\"nightly\"]}}}")));
        assertEquals(List.of("report"), names(api.post("/flows/filter",
                "{\"flows\":{\"name\":{\"like_\":\"REP\"}},\"flow_runs\":null,\"deployments\":null}")));
        assertEquals("2", api.post("/flows/count", "{}").expect(200).body().trim());

        api.patch("/flows/" + id, "{\"tags\":[\"hourly\"]}").expect(204);
        assertEquals("[\"hourly\"]", api.get("/flows/" + id).object().get("tags").toString());
        api.delete("/flows/" + id).expect(204);
        api.get("/flows/" + id).expect(404);
        api.delete("/flows/" + id).expect(404);

        api.post("/flows/", "{\"name\":\"a/b\"}").expect(422);
        api.post("/flows/", "{\"tags\":[]}").expect(422);
        api.post("/flows/filter", "{\"flow_runs\":{\"id\":{\"any_\":\"x\"}}}").expect(422);
        api.post("/flows/filter", "{\"flows\":{\"tags\":{\"any_\":[\"a\"]}}}").expect(422); // not in Prefect's FlowFilterTags
        Workspaces.api(ws, Workspaces.issueKey(ws, "viewer")).post("/flows/", "{\"name\":\"x\"}").expect(403);

        List<String> events = api.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.flow.\"]},\"order\":\"ASC\"}}")
                .expect(200).object().getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getString("event") + " " + e.asJsonObject().getJsonObject("payload").getString("name"))
                .toList();
        assertEquals(List.of("prefect.flow.created etl", "prefect.flow.created report", "prefect.flow.updated etl",
                "prefect.flow.deleted etl"), events);
    }

    @Test
    void concurrentFirstRunsCreateOneFlow() throws Exception {
        String ws = Workspaces.create("flows-race");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Reply>> replies = pool.invokeAll(java.util.Collections.nCopies(16,
                    () -> api.post("/flows/", "{\"name\":\"racy\"}")));
            Set<String> ids = replies.stream().map(f -> {
                try {
                    Api.Reply r = f.get();
                    assertTrue(r.status() == 200 || r.status() == 201, r.body());
                    return r.object().getString("id");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(1, ids.size(), "one flow for all concurrent creates");
        } finally {
            pool.shutdown();
        }
        assertEquals(1, api.post("/events/filter", "{\"filter\":{\"event\":{\"name\":[\"prefect.flow.created\"]}}}")
                .expect(200).object().getInt("total"), "exactly one created event");
    }

    private static List<String> names(Api.Reply reply) {
        return reply.expect(200).array().stream().map(v -> v.asJsonObject().getString("name")).toList();
    }
}
