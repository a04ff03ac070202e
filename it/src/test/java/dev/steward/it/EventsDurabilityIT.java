package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The guarantee of {@code WS /events/in}: the server answers a ping only after every event sent before it is
 * committed, so once a ping sent after a batch of events is answered (the same check Prefect's client makes every 700
 * events), a crash loses none of them. Proven with SIGKILL of the app server and a restart.
 */
class EventsDurabilityIT {
    static final int TASKS = 500;

    @Test
    void acceptedEventsSurviveKillDashNine() throws Exception {
        String ws = Workspaces.create("durable");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);
        String flowId = api.post("/flows/", "{\"name\":\"durable\"}").expect(201).object().getString("id");
        String runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");

        EventsIn events = EventsIn.open(ws, key);
        for (int i = 0; i < TASKS; i++) {
            events.send(EventsIn.completedTask(runId, UUID.randomUUID().toString(), i, null));
        }
        events.confirm(); // every event before the ping has been taken

        TestStack.get().stack().crashAndRestartApp();

        String count = Workspaces.api(ws, key).post("/task_runs/count",
                "{\"task_runs\":{\"flow_run_id\":{\"any_\":[\"" + runId + "\"]},\"state\":{\"type\":{\"any_\":[\"COMPLETED\"]}}}}")
                .expect(200).body().trim();
        assertEquals(String.valueOf(TASKS), count, "every accepted task-run event is recorded after a kill -9");
    }
}
