package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flow runs over HTTP: creation, the state rules' answers, run timing, state events, bad input. */
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
        // a terminal run takes no further state unless forced
        assertEquals("ABORT", api.post("/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}")
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
}
