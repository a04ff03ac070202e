package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prefect's orchestration rules over HTTP, each answer as the client sees it (status, reason, the state shown, 201
 * when a state was written): pausing and resuming, cancelling, and the task-run rules (cache, retries, reruns,
 * stopped flow runs, terminal task runs).
 */
class OrchestrationRulesIT {
    static Api api;
    static String flowId;

    @BeforeAll
    static void workspace() {
        String ws = Workspaces.create("rules");
        api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        flowId = api.post("/flows/", "{\"name\":\"rules\"}").expect(201).object().getString("id");
    }

    static String run(String state) {
        return api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"state\":" + state + "}").expect(201).object().getString("id");
    }

    /** A run that went PENDING, then RUNNING through set_state, as the client runs a flow. */
    static String running() {
        String id = run("{\"type\":\"PENDING\"}");
        setState("flow_runs", id, "{\"type\":\"RUNNING\"}", 201);
        return id;
    }

    static JsonObject setState(String kind, String id, String state, int status) {
        return api.post("/" + kind + "/" + id + "/set_state", "{\"state\":" + state + "}").expect(status).object();
    }

    static void assertAnswer(JsonObject result, String status, String reason) {
        assertEquals(status, result.getString("status"), result.toString());
        if (reason != null) assertEquals(reason, result.getJsonObject("details").getString("reason"), result.toString());
    }

    static List<String> events(String runId) {
        return api.post("/events/filter", "{\"filter\":{\"resource\":{\"id\":[\"prefect.flow-run." + runId + "\"]},\"order\":\"ASC\"}}")
                .expect(200).object().getJsonArray("events").stream().map(e -> e.asJsonObject().getString("event")).toList();
    }

    @Test
    void pauseAndResume() {
        String id = running();
        String timeout = Instant.now().plusSeconds(300).toString();
        String pause = "{\"type\":\"PAUSED\",\"state_details\":{\"pause_key\":\"1\",\"pause_timeout\":\"" + timeout + "\"}}";
        assertAnswer(setState("flow_runs", id, pause, 201), "ACCEPT", null);
        JsonObject paused = api.get("/flow_runs/" + id).expect(200).object();
        assertEquals("PAUSED", paused.getString("state_type"));
        assertEquals(List.of("1"), paused.getJsonObject("empirical_policy").getJsonArray("pause_keys")
                .getValuesAs(jakarta.json.JsonString::getString));

        api.post("/flow_runs/" + id + "/resume", "{\"run_input\":[1]}").expect(422);
        api.post("/flow_runs/00000000-0000-0000-0000-000000000001/resume", "{}").expect(404);
        JsonObject resumed = api.post("/flow_runs/" + id + "/resume", "{\"run_input\":null}").expect(201).object();
        assertAnswer(resumed, "ACCEPT", null);
        assertEquals("RUNNING", resumed.getJsonObject("state").getString("type"));
        JsonObject running = api.get("/flow_runs/" + id).expect(200).object();
        assertTrue(running.getJsonObject("empirical_policy").getBoolean("resuming"));
        assertAnswer(api.post("/flow_runs/" + id + "/resume", "").expect(200).object(), "ABORT",
                "Cannot resume a flow run that is not paused.");
        // the same pause again (a re-executed pause_flow_run) answers with the running state: the client carries on
        JsonObject again = setState("flow_runs", id, pause, 200);
        assertAnswer(again, "REJECT", "This pause has already fired.");
        assertEquals("RUNNING", again.getJsonObject("state").getString("type"));
        assertAnswer(setState("flow_runs", id, "{\"type\":\"COMPLETED\"}", 201), "ACCEPT", null);
        assertEquals(List.of("prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.Paused", "prefect.flow-run.Running",
                "prefect.flow-run.Completed"), events(id));

        // a pause past its timeout cannot be resumed: the answer is a FAILED state, written
        String late = running();
        setState("flow_runs", late, "{\"type\":\"PAUSED\",\"state_details\":{\"pause_timeout\":\""
                + Instant.now().minusSeconds(1) + "\"}}", 201);
        JsonObject failed = api.post("/flow_runs/" + late + "/resume", "{}").expect(201).object();
        assertAnswer(failed, "REJECT", "The flow run pause has timed out and can no longer resume.");
        assertEquals("FAILED", failed.getJsonObject("state").getString("type"));
        assertEquals("FAILED", api.get("/flow_runs/" + late).expect(200).object().getString("state_type"));

        // a pause waiting for input needs the input's schema, which Steward does not store yet
        String input = running();
        setState("flow_runs", input, "{\"type\":\"PAUSED\",\"state_details\":{\"run_input_keyset\":"
                + "{\"description\":\"d\",\"response\":\"r\",\"schema\":\"s\"}}}", 201);
        JsonObject noSchema = api.post("/flow_runs/" + input + "/resume", "{\"run_input\":{\"x\":1}}").expect(200).object();
        assertAnswer(noSchema, "REJECT", "Run input schema not found.");
        assertEquals("PAUSED", noSchema.getJsonObject("state").getString("type"));

        assertAnswer(setState("flow_runs", run("{\"type\":\"PENDING\"}"), pause, 200), "REJECT",
                "Cannot pause flows that are not currently running.");
        assertAnswer(setState("flow_runs", running(), "{\"type\":\"PAUSED\",\"name\":\"Suspended\","
                + "\"state_details\":{\"pause_reschedule\":true}}", 200), "ABORT", "Cannot suspend flows without a deployment.");
        setState("flow_runs", id, "{\"type\":\"PAUSED\",\"state_details\":{\"pause_timeout\":\"yesterday\"}}", 422);
    }

    @Test
    void cancelling() {
        // `prefect flow-run cancel` on a running run: CANCELLING is accepted, and the process's own end is Cancelled
        String id = running();
        assertAnswer(setState("flow_runs", id, "{\"type\":\"CANCELLING\"}", 201), "ACCEPT", null);
        JsonObject end = setState("flow_runs", id, "{\"type\":\"COMPLETED\"}", 201);
        assertAnswer(end, "REJECT", "Cannot transition flows that are cancelling to a state other than Cancelled.");
        assertEquals("CANCELLED", end.getJsonObject("state").getString("type"));
        assertEquals(List.of("prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.Cancelling", "prefect.flow-run.Cancelled"), events(id));

        // with infrastructure to tear down, its owner ends the run: the proposal gets the current state
        String withInfra = running();
        api.patch("/flow_runs/" + withInfra, "{\"infrastructure_pid\":\"4242\"}").expect(204);
        setState("flow_runs", withInfra, "{\"type\":\"CANCELLING\"}", 201);
        JsonObject kept = setState("flow_runs", withInfra, "{\"type\":\"COMPLETED\"}", 200);
        assertAnswer(kept, "REJECT", "Cannot transition flows that are cancelling to a state other than Cancelled.");
        assertEquals("CANCELLING", kept.getJsonObject("state").getString("type"));
        assertAnswer(setState("flow_runs", withInfra, "{\"type\":\"CANCELLED\"}", 201), "ACCEPT", null);
        assertAnswer(setState("flow_runs", withInfra, "{\"type\":\"CANCELLING\"}", 200), "ABORT",
                "Run is already in terminal state CANCELLED.");

        // a scheduled run has nothing to tear down: straight to Cancelled, even when forced
        String scheduled = run("{\"type\":\"SCHEDULED\"}");
        JsonObject bypass = api.post("/flow_runs/" + scheduled + "/set_state", "{\"state\":{\"type\":\"CANCELLING\"},\"force\":true}")
                .expect(201).object();
        assertAnswer(bypass, "REJECT", "Scheduled flow run has no infrastructure to terminate.");
        assertEquals("CANCELLED", api.get("/flow_runs/" + scheduled).expect(200).object().getString("state_type"));
    }

    @Test
    void terminalFlowRuns() {
        String id = running();
        setState("flow_runs", id, "{\"type\":\"COMPLETED\",\"data\":{\"storage_key\":\"/r/1\",\"serializer\":{\"type\":\"pickle\"}}}", 201);
        assertAnswer(setState("flow_runs", id, "{\"type\":\"RUNNING\"}", 200), "REJECT", "Run is already COMPLETED.");
        assertAnswer(setState("flow_runs", id, "{\"type\":\"CRASHED\"}", 200), "ABORT", "Run is already in terminal state COMPLETED.");
        String noResult = running();
        setState("flow_runs", noResult, "{\"type\":\"FAILED\"}", 201);
        assertAnswer(setState("flow_runs", noResult, "{\"type\":\"SCHEDULED\"}", 200), "ABORT",
                "Cannot reschedule a run without an associated deployment.");
        assertAnswer(setState("flow_runs", noResult, "{\"type\":\"RUNNING\"}", 201), "ACCEPT", null);
        assertEquals(2, api.get("/flow_runs/" + noResult).expect(200).object().getInt("run_count"), "an ad-hoc re-run");
    }

    @Test
    void taskRunRules() {
        String flowRun = running();
        String first = task(flowRun, "a", "{}");
        assertAnswer(setState("task_runs", first, "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"key-1\"}}", 201),
                "ACCEPT", null);
        String result = "\"data\":{\"storage_key\":\"/r/a\",\"serializer\":{\"type\":\"json\"}}";
        assertAnswer(setState("task_runs", first, "{\"type\":\"COMPLETED\"," + result + ",\"state_details\":{\"cache_key\":\"key-1\","
                + "\"cache_expiration\":\"" + Instant.now().plusSeconds(600) + "\"}}", 201), "ACCEPT", null);
        // another task run with the same key gets the cached state instead of running
        String second = task(flowRun, "b", "{}");
        JsonObject cached = setState("task_runs", second, "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"key-1\"}}", 201);
        assertAnswer(cached, "REJECT", "Retrieved state from cache");
        assertEquals("COMPLETED", cached.getJsonObject("state").getString("type"));
        assertEquals("Cached", cached.getJsonObject("state").getString("name"));
        assertEquals("/r/a", cached.getJsonObject("state").getJsonObject("data").getString("storage_key"));
        assertEquals(second, cached.getJsonObject("state").getJsonObject("state_details").getString("task_run_id"));
        assertEquals("Cached", api.get("/task_runs/" + second).expect(200).object().getJsonObject("state").getString("name"));
        String third = task(flowRun, "c", "{}");
        assertAnswer(setState("task_runs", third, "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"key-1\","
                + "\"refresh_cache\":true}}", 201), "ACCEPT", null);
        // a completed task run with a persisted result stays completed
        assertAnswer(setState("task_runs", first, "{\"type\":\"RUNNING\"}", 200), "REJECT", "This run is already completed.");
        assertAnswer(setState("task_runs", first, "{\"type\":\"CRASHED\"}", 200), "ABORT", "Run is already COMPLETED.");

        // retries: AwaitingRetry, then "Retrying"
        String flaky = task(flowRun, "d", "{\"retries\":1,\"retry_delay\":0}");
        setState("task_runs", flaky, "{\"type\":\"RUNNING\"}", 201);
        JsonObject retry = setState("task_runs", flaky, "{\"type\":\"FAILED\",\"message\":\"boom\"}", 201);
        assertAnswer(retry, "REJECT", "Retrying");
        assertEquals("AwaitingRetry", retry.getJsonObject("state").getString("name"));
        JsonObject retrying = setState("task_runs", flaky, "{\"type\":\"RUNNING\"}", 201);
        assertEquals("Retrying", retrying.getJsonObject("state").getString("name"));
        assertAnswer(setState("task_runs", flaky, "{\"type\":\"FAILED\"}", 201), "ACCEPT", null);
        JsonObject done = api.get("/task_runs/" + flaky).expect(200).object();
        assertEquals(2, done.getInt("run_count"));
        assertEquals(1, done.getInt("flow_run_run_count"));

        // tasks run only while their flow run runs
        String pausedFlow = running();
        setState("flow_runs", pausedFlow, "{\"type\":\"PAUSED\"}", 201);
        JsonObject notReady = setState("task_runs", task(pausedFlow, "e", "{}"), "{\"type\":\"RUNNING\"}", 201);
        assertAnswer(notReady, "REJECT", "The flow is paused, new tasks can execute after resuming flow run: " + pausedFlow + ".");
        assertEquals("NotReady", notReady.getJsonObject("state").getString("name"));
        String stopped = run("{\"type\":\"PENDING\"}");
        assertAnswer(setState("task_runs", task(stopped, "f", "{}"), "{\"type\":\"RUNNING\"}", 200), "ABORT",
                "The enclosing flow must be running to begin task execution.");
        setState("task_runs", task(stopped, "g", "{}"), "{\"type\":\"COMPLETED\",\"state_details\":{\"cache_key\":1}}", 422);
    }

    static String task(String flowRunId, String key, String policy) {
        return api.post("/task_runs/", "{\"flow_run_id\":\"" + flowRunId + "\",\"task_key\":\"" + key + "\",\"dynamic_key\":\"0\","
                + "\"empirical_policy\":" + policy + "}").expect(201).object().getString("id");
    }
}
