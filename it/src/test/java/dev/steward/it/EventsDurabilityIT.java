package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The guarantee of {@code WS /events/in}: the server answers a ping only after every event sent before it is
 * committed, so once a ping sent after a batch of events is answered (the same check Prefect's client makes every 700
 * events), a crash loses none of them. Proven with SIGKILL of the app server and a restart.
 */
class EventsDurabilityIT {
    static final int TASKS = 500;

    /** A workspace with a developer's key and one flow run, which the task runs of the events belong to. */
    record FlowRunOf(String ws, String key, String runId) {
        static FlowRunOf create(String name) {
            String ws = Workspaces.create(name);
            String key = Workspaces.issueKey(ws, "developer");
            Api api = Workspaces.api(ws, key);
            String flowId = api.post("/flows/", "{\"name\":\"" + name + "\"}").expect(201).object().getString("id");
            return new FlowRunOf(ws, key,
                    api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id"));
        }
    }

    @Test
    void acceptedEventsSurviveKillDashNine() throws Exception {
        FlowRunOf run = FlowRunOf.create("durable");
        String ws = run.ws(), key = run.key(), runId = run.runId();

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

    @Test
    void theSameEventsSentOnSeveralConnectionsAtOnceAreRecordedOnce() throws Exception {
        FlowRunOf run = FlowRunOf.create("resent");
        String ws = run.ws(), key = run.key(), runId = run.runId();
        Api api = Workspaces.api(ws, key);
        List<String> taskRuns = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2 * TASKS; i++) {
            taskRuns.add(UUID.randomUUID().toString());
            sent.add(EventsIn.completedTask(runId, taskRuns.get(i), i, null));
        }

        // each connection's committer races the others for the same ids: some of its batches find them stored,
        // others meet them in the middle of being stored
        List<EventsIn> connections = new ArrayList<>();
        for (int c = 0; c < 3; c++) connections.add(EventsIn.open(ws, key));
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (EventsIn events : connections) {
            senders.add(CompletableFuture.runAsync(() -> {
                sent.forEach(events::send);
                try {
                    events.confirm();
                } catch (Exception e) {
                    throw new IllegalStateException("the events were not confirmed", e);
                }
            }));
        }
        CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).join();
        connections.forEach(EventsIn::close);

        String count = api.post("/task_runs/count",
                "{\"task_runs\":{\"flow_run_id\":{\"any_\":[\"" + runId + "\"]}}}").expect(200).body().trim();
        assertEquals(String.valueOf(taskRuns.size()), count, "every task run once");
        for (String taskRun : List.of(taskRuns.get(0), taskRuns.get(TASKS), taskRuns.get(taskRuns.size() - 1))) {
            assertEquals(1, api.get("/task_run_states/?task_run_id=" + taskRun).expect(200).array().size(),
                    "one state per event, however often it was sent");
        }
        JsonObject page = api.post("/events/filter", "{\"filter\":{\"any_resource\":{\"id\":[\"prefect.flow-run."
                + runId + "\"]},\"event\":{\"prefix\":[\"prefect.task-run.\"]},"
                + "\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\"}},\"limit\":1}").expect(200).object();
        assertEquals(taskRuns.size(), page.getInt("total"), "every event stored once");
    }

    /**
     * Event and task-run ids are the client's, so unique per workspace only: the same ones sent to two workspaces are
     * stored in each, and each workspace reads back its own (its flow run's event and task run).
     */
    @Test
    void theSameEventAndTaskRunIdsInTwoWorkspacesAreEachWorkspacesOwn() throws Exception {
        List<FlowRunOf> runs = List.of(FlowRunOf.create("ids-a"), FlowRunOf.create("ids-b"));
        String eventId = UUID.randomUUID().toString(), taskRun = UUID.randomUUID().toString();
        for (FlowRunOf run : runs) {
            EventsIn events = EventsIn.open(run.ws(), run.key());
            events.send(EventsIn.completedTask(eventId, run.runId(), taskRun, 0, null));
            events.confirm();
            events.close();
        }
        for (FlowRunOf run : runs) {
            Api api = Workspaces.api(run.ws(), run.key());
            JsonObject page = api.post("/events/filter", "{\"filter\":{\"id\":{\"id\":[\"" + eventId + "\"]},"
                    + "\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\"}}}").expect(200).object();
            assertEquals(1, page.getInt("total"), run.ws() + ": the event is stored in each workspace");
            assertEquals("prefect.flow-run." + run.runId(), page.getJsonArray("events").getJsonObject(0)
                    .getJsonArray("related").getJsonObject(0).getString("prefect.resource.id"), run.ws() + ": its own event");
            assertEquals(run.runId(), api.get("/task_runs/" + taskRun).expect(200).object().getString("flow_run_id"),
                    run.ws() + ": its own task run");
        }
    }
}
