package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flow runs over HTTP: creation, the state rules' answers, run timing, state events, update, labels, deletion,
 * history, event counts, bad input.
 */
class FlowRunsApiIT {
    @Test
    void stateTransitionsFollowTheRules() {
        String ws = Workspaces.create("runs");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        String flowId = api.post("/flows/", "{\"name\":\"rules\"}").expect(201).object().getString("id");
        JsonObject run = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"state\":{\"type\":\"PENDING\"},\"tags\":[\"t\"]}")
                .expect(201).object();
        String id = run.getString("id");
        assertEquals("PENDING", run.getString("state_type"));
        assertEquals(flowId, run.getJsonObject("labels").getString("prefect.flow.id"));
        assertTrue(!run.getString("name").isBlank());

        JsonObject running = api.post("/flow_runs/" + id + "/set_state",
                "{\"state\":{\"type\":\"RUNNING\",\"state_details\":{\"transition_id\":\"11111111-1111-1111-1111-111111111111\"}}}")
                .expect(201).object();
        assertEquals("ACCEPT", running.getString("status"));
        assertEquals("Running", running.getJsonObject("state").getString("name"));
        // the same transition again is rejected and changes nothing
        JsonObject duplicate = api.post("/flow_runs/" + id + "/set_state",
                "{\"state\":{\"type\":\"RUNNING\",\"state_details\":{\"transition_id\":\"11111111-1111-1111-1111-111111111111\"}}}")
                .expect(200).object();
        assertEquals("REJECT", duplicate.getString("status"));
        // back to PENDING from RUNNING is refused
        assertEquals("ABORT", api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"PENDING\"}}")
                .expect(200).object().getString("status"));
        assertEquals("ACCEPT", api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"COMPLETED\"}}")
                .expect(201).object().getString("status"));
        // a terminal run cannot crash, pause or be cancelled unless forced (OrchestrationRulesIT has the rest of the rule)
        assertEquals("ABORT", api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"CRASHED\"}}")
                .expect(200).object().getString("status"));
        assertEquals("ACCEPT", api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"FAILED\"},\"force\":true}")
                .expect(201).object().getString("status"));

        JsonObject done = api.get("/flow_runs/" + id).expect(200).object();
        assertEquals("FAILED", done.getString("state_type"));
        assertEquals(1, done.getInt("run_count"));
        assertTrue(!done.isNull("start_time") && !done.isNull("end_time"));
        assertTrue(done.getJsonNumber("total_run_time").doubleValue() >= 0);

        List<String> events = api.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.flow-run.\"]},\"order\":\"ASC\"}}")
                .expect(200).object().getJsonArray("events").stream().map(e -> e.asJsonObject().getString("event")).toList();
        assertEquals(List.of("prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.Completed",
                "prefect.flow-run.Failed"), events, "one event per accepted state, none for rejected proposals");

        assertEquals(1, api.post("/flow_runs/filter", "{\"flow_runs\":{\"state\":{\"type\":{\"any_\":[\"FAILED\"]}}}}").expect(200).array().size());
        assertEquals("1", api.post("/flow_runs/count", "{\"flows\":{\"name\":{\"any_\":[\"rules\"]}}}").expect(200).body().trim());
    }

    @Test
    void concurrentCreatesWithOneIdempotencyKeyMakeOneRun() throws Exception {
        String ws = Workspaces.create("runs-idem");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        String flowId = api.post("/flows/", "{\"name\":\"idem\"}").expect(201).object().getString("id");
        String body = "{\"flow_id\":\"" + flowId + "\",\"idempotency_key\":\"once\"}";
        int callers = 16;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            List<java.util.concurrent.Future<Api.Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < callers; i++) {
                replies.add(pool.submit(() -> {
                    start.await();
                    return api.post("/flow_runs/", body);
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var reply : replies) {
                Api.Reply r = reply.get();
                statuses.add(r.status());
                ids.add(r.object().getString("id"));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "one creation: " + statuses);
            assertEquals(callers - 1, statuses.stream().filter(s -> s == 200).count(), "the rest answered: " + statuses);
            assertEquals(1, ids.size(), "every caller got the same run");
        } finally {
            pool.shutdownNow();
        }
        assertEquals("1", api.post("/flow_runs/count", "{}").expect(200).body().trim());
    }

    @Test
    void updateLabelsAndDelete() {
        String ws = Workspaces.create("runs-edit");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        String flowId = api.post("/flows/", "{\"name\":\"edit\"}").expect(201).object().getString("id");
        String id = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"tags\":[\"a\"],\"labels\":{\"team\":\"x\"}}")
                .expect(201).object().getString("id");

        api.patch("/flow_runs/" + id, "{\"name\":\"renamed\",\"tags\":[\"b\",\"c\"],\"parameters\":{\"n\":1},"
                + "\"flow_version\":\"v2\",\"infrastructure_pid\":\"4242\",\"empirical_policy\":{\"max_retries\":3}}").expect(204);
        JsonObject run = api.get("/flow_runs/" + id).expect(200).object();
        assertEquals("renamed", run.getString("name"));
        assertEquals(List.of("b", "c"), run.getJsonArray("tags").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(1, run.getJsonObject("parameters").getInt("n"));
        assertEquals("4242", run.getString("infrastructure_pid"));
        assertEquals(3, run.getJsonObject("empirical_policy").getInt("retries"), "max_retries fills retries, as in Prefect");
        assertEquals(1, api.post("/flow_runs/filter", "{\"flow_runs\":{\"tags\":{\"all_\":[\"c\"]}}}").expect(200).array().size(),
                "the tags filter sees the new tags");
        // Prefect's FlowRunUpdate has no labels, and job variables need a scheduled run of a deployment
        api.patch("/flow_runs/" + id, "{\"labels\":{\"a\":\"b\"}}").expect(422);
        assertTrue(api.patch("/flow_runs/" + id, "{\"job_variables\":{\"a\":1}}").expect(400).detail().contains("PENDING"));
        api.patch("/flow_runs/00000000-0000-0000-0000-000000000001", "{\"name\":\"x\"}").expect(404);

        api.patch("/flow_runs/" + id + "/labels", "{\"env\":\"prod\",\"team\":\"y\",\"n\":2}").expect(204);
        JsonObject labels = api.get("/flow_runs/" + id).expect(200).object().getJsonObject("labels");
        assertEquals("prod", labels.getString("env"));
        assertEquals("y", labels.getString("team"));
        assertEquals(2, labels.getInt("n"));
        assertEquals(flowId, labels.getString("prefect.flow.id"), "merged, not replaced");
        api.patch("/flow_runs/" + id + "/labels", "[1]").expect(422);
        api.patch("/flow_runs/00000000-0000-0000-0000-000000000001/labels", "{}").expect(404);

        // a task run with states, a subflow run under it, logs: the delete takes all but the subflow run
        api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);
        String taskId = api.post("/task_runs/", "{\"flow_run_id\":\"" + id + "\",\"task_key\":\"t\",\"dynamic_key\":\"0\"}")
                .expect(201).object().getString("id");
        api.post("/task_runs/" + taskId + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);
        String childId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"parent_task_run_id\":\"" + taskId + "\"}")
                .expect(201).object().getString("id");
        api.post("/logs/", "[{\"flow_run_id\":\"" + id + "\",\"name\":\"l\",\"level\":20,\"message\":\"m\",\"timestamp\":\""
                + java.time.Instant.now() + "\"}]").expect(201);
        Workspaces.api(ws, Workspaces.issueKey(ws, "viewer")).delete("/flow_runs/" + id).expect(403);
        api.delete("/flow_runs/" + id).expect(204);
        api.get("/flow_runs/" + id).expect(404);
        api.delete("/flow_runs/" + id).expect(404);
        api.get("/task_runs/" + taskId).expect(404);
        assertEquals(0, api.get("/flow_run_states/?flow_run_id=" + id).expect(200).array().size());
        assertEquals(0, api.get("/task_run_states/?task_run_id=" + taskId).expect(200).array().size());
        assertEquals(0, api.post("/logs/filter", "{\"logs\":{\"flow_run_id\":{\"any_\":[\"" + id + "\"]}}}").expect(200).array().size());
        assertTrue(api.get("/flow_runs/" + childId).expect(200).object().isNull("parent_task_run_id"),
                "the subflow run stays, without its parent task run");

        // Prefect emits no event for updates and deletes; the audit trail has them
        List<String> events = api.post("/events/filter", "{\"filter\":{\"resource\":{\"id\":[\"prefect.flow-run." + id + "\"]}}}")
                .expect(200).object().getJsonArray("events").stream().map(e -> e.asJsonObject().getString("event")).toList();
        assertTrue(events.stream().allMatch(e -> e.startsWith("prefect.flow-run.") && Character.isUpperCase(e.charAt(17))), events.toString());
        String audit = Workspaces.api(ws, Workspaces.issueKey(ws, "admin")).get("/audit?format=jsonl").expect(200).body();
        assertEquals(2, audit.lines().filter(l -> l.contains("\"prefect.flow-run.updated\"") && l.contains(id)).count(), audit);
        assertEquals(1, audit.lines().filter(l -> l.contains("\"prefect.flow-run.deleted\"") && l.contains(id)).count(), audit);
    }

    @Test
    void historyBucketsRunsByExpectedStart() {
        String ws = Workspaces.create("runs-history");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        String flowId = api.post("/flows/", "{\"name\":\"hist\"}").expect(201).object().getString("id");
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < 3; i++) {
            String id = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
            api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);
            if (i < 2) api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"COMPLETED\"}}").expect(201);
        }
        String range = "\"history_start\":\"" + now.minusSeconds(600) + "\",\"history_end\":\"" + now.plusSeconds(600)
                + "\",\"history_interval_seconds\":600";
        jakarta.json.JsonArray history = api.post("/flow_runs/history", "{" + range + "}").expect(200).array();
        assertEquals(2, history.size());
        List<JsonObject> states = history.stream().flatMap(b -> b.asJsonObject().getJsonArray("states").stream())
                .map(jakarta.json.JsonValue::asJsonObject).toList();
        assertEquals(2, states.stream().filter(s -> s.getString("state_type").equals("COMPLETED")).mapToInt(s -> s.getInt("count_runs")).sum());
        assertEquals(1, states.stream().filter(s -> s.getString("state_type").equals("RUNNING")).mapToInt(s -> s.getInt("count_runs")).sum());
        assertEquals(0, api.post("/flow_runs/history", "{" + range + ",\"flow_runs\":{\"state\":{\"type\":{\"any_\":[\"FAILED\"]}}}}")
                .expect(200).array().stream().mapToInt(b -> b.asJsonObject().getJsonArray("states").size()).sum());
        assertEquals("\"History interval must not be less than 1 second.\"",
                api.post("/flow_runs/history", "{" + range.replace(":600", ":0.5") + "}").expect(422).detail());
        api.post("/flow_runs/history", "{\"history_start\":\"" + now + "\"}").expect(422);
        api.post("/task_runs/history", "{" + range + "}").expect(200);

        // events counted by name, by resource and by time
        String filter = "{\"filter\":{\"event\":{\"prefix\":[\"prefect.flow-run.\"]}}";
        jakarta.json.JsonArray byEvent = api.post("/events/count-by/event", filter + "}").expect(200).array();
        assertEquals("prefect.flow-run.Pending", byEvent.getJsonObject(0).getString("value"));
        assertEquals(3, byEvent.getJsonObject(0).getInt("count"));
        assertEquals(3, api.post("/events/count-by/resource", filter + "}").expect(200).array().size());
        jakarta.json.JsonArray byDay = api.post("/events/count-by/day", filter + "}").expect(200).array();
        assertTrue(byDay.size() >= 180, "a bucket a day since the filter's default start, 180 days back");
        assertEquals(8, byDay.stream().mapToInt(b -> b.asJsonObject().getInt("count")).sum(), "3 pending, 3 running, 2 completed");
        assertTrue(api.post("/events/count-by/time", filter + ",\"time_unit\":\"second\"}").expect(422).detail().contains("buckets"));
        api.post("/events/count-by/time", filter + ",\"time_unit\":\"fortnight\"}").expect(422);
        api.post("/events/count-by/time", filter + ",\"time_interval\":0.001}").expect(422);
        api.post("/events/count-by/weekday", filter + "}").expect(422);
        api.post("/events/count-by/event", "{}").expect(422);
    }

    @Test
    void badInputIsA4xx() {
        String ws = Workspaces.create("runs-bad");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        api.post("/flow_runs/", "{}").expect(422);
        api.post("/flow_runs/", "{\"flow_id\":\"not-a-uuid\"}").expect(422);
        assertEquals("\"Flow not found\"", api.post("/flow_runs/", "{\"flow_id\":\"00000000-0000-0000-0000-000000000001\"}").expect(404).detail());
        String flowId = api.post("/flows/", "{\"name\":\"bad\"}").expect(201).object().getString("id");
        String id = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"EXPLODED\"}}").expect(422);
        api.post("/flow_runs/" + id + "/set_state", "{}").expect(422);
        api.post("/flow_runs/" + id + "/set_state", "{\"state\":").expect(422);
        assertEquals("\"Flow run not found\"", api.get("/flow_runs/00000000-0000-0000-0000-000000000001").expect(404).detail());
        api.post("/flow_runs/00000000-0000-0000-0000-000000000001/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(404);
        api.post("/flow_runs/filter", "{\"sort\":\"SIDEWAYS\"}").expect(422);
        api.get("/task_runs/00000000-0000-0000-0000-000000000001").expect(404);
        api.post("/logs/", "{\"not\":\"a list\"}").expect(422);
        api.post("/logs/", "[{\"name\":\"x\",\"level\":20,\"message\":\"m\"}]").expect(422);
        Workspaces.api(ws, Workspaces.issueKey(ws, "viewer")).post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(403);
    }

    /** Prefect's flow-run input API: keys unique per run, values as text, filter by prefix, delete; bad input. */
    @Test
    void inputsOfARun() {
        String ws = Workspaces.create("inputs");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        String flowId = api.post("/flows/", "{\"name\":\"inputs\"}").expect(201).object().getString("id");
        String id = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        String path = "/flow_runs/" + id + "/input";
        api.post(path, "{\"key\":\"a-1\",\"value\":\"{\\\"x\\\": 1}\",\"sender\":\"me\"}").expect(201);
        api.post(path, "{\"key\":\"a-2\",\"value\":\"two\"}").expect(201);
        api.post(path, "{\"key\":\"b-1\",\"value\":\"three\"}").expect(201);
        assertTrue(api.post(path, "{\"key\":\"a-1\",\"value\":\"again\"}").expect(409).detail().contains("already exists"));
        Api.Reply value = api.get(path + "/a-1").expect(200);
        assertEquals("{\"x\": 1}", value.body(), "the value as stored, not re-encoded");
        assertTrue(value.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

        var page = api.post(path + "/filter", "{\"prefix\":\"a-\",\"limit\":10}").expect(200).array();
        assertEquals(List.of("a-1", "a-2"), page.stream().map(v -> v.asJsonObject().getString("key")).toList());
        assertEquals("me", page.getJsonObject(0).getString("sender"));
        assertEquals(id, page.getJsonObject(0).getString("flow_run_id"));
        assertEquals(1, api.post(path + "/filter", "{\"prefix\":\"a-\"}").expect(200).array().size(), "limit defaults to 1");
        assertEquals(List.of("a-2", "b-1"), api.post(path + "/filter", "{\"prefix\":\"\",\"limit\":5,\"exclude_keys\":[\"a-1\"]}")
                .expect(200).array().stream().map(v -> v.asJsonObject().getString("key")).toList());

        api.delete(path + "/a-2").expect(204);
        api.delete(path + "/a-2").expect(404);
        api.get(path + "/a-2").expect(404);
        // bad input: a 4xx with a detail, never a 5xx
        api.post(path, "{\"key\":\"Upper_Case\",\"value\":\"v\"}").expect(422);
        api.post(path, "{\"key\":\"k\"}").expect(422);
        api.post(path, "{\"key\":\"k\",\"value\":7}").expect(422);
        api.post(path, "not json").expect(422);
        api.post(path + "/filter", "{}").expect(422);
        api.post(path + "/filter", "{\"prefix\":\"a\",\"limit\":-1}").expect(422);
        api.post("/flow_runs/00000000-0000-0000-0000-000000000000/input", "{\"key\":\"k\",\"value\":\"v\"}").expect(404);
        api.post("/flow_runs/not-a-uuid/input", "{\"key\":\"k\",\"value\":\"v\"}").expect(404);
        Workspaces.api(ws, Workspaces.issueKey(ws, "viewer")).post(path, "{\"key\":\"v-1\",\"value\":\"v\"}").expect(403);
        // a run's deletion takes its inputs with it
        api.delete("/flow_runs/" + id).expect(204);
        api.get(path + "/b-1").expect(404);
    }
}
