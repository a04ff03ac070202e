package dev.steward.orchestration;

import dev.steward.events.IngestedEvents;
import dev.steward.events.RunEvent;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.UuidParameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns the task-run events a Prefect client sends ({@code prefect.task-run.<State>}) into task runs and their state
 * histories, as Prefect's task_run_recorder does: the task run's id is in the resource id, its flow run is the related
 * resource with role flow-run, the state is the payload's validated_state with the event's id and time. Idempotent
 * (only events not stored before reach it) and order-independent: the newest state by timestamp is the current one,
 * whatever order the events arrive in. Works a whole ingest batch with an upsert of its runs and a COPY of its states
 * ({@link TaskRunStore#recordEvents}), in the transaction that stores the events.
 */
@ApplicationScoped
public class TaskRunRecorder {
    static final String PREFIX = "prefect.task-run.";

    @Inject
    TaskRunStore taskRuns;

    /**
     * One task-run event, checked: its state (whose id is the event's) and {@code fields}, the fields of the run's
     * document that the server sets (written out only for the newest state of a run, the one that goes into the
     * run's document).
     */
    private record Recorded(TaskRunStore.EventState state, JsonObject fields) {
        UUID taskRunId() {
            return state.taskRunId();
        }

        Instant occurred() {
            return state.timestamp();
        }

        /** One element of the batch {@link TaskRunStore#recordEvents} upserts: {@code {fields, state, event}}. */
        String asJson() {
            return "{\"fields\":" + fields.toString() + ",\"state\":" + state.body() + ",\"event\":\"" + state.id()
                    + "\"}";
        }
    }

    void record(@Observes IngestedEvents batch) {
        Instant now = batch.received();
        String nowText = now.toString(); // the same for every event of the batch
        List<TaskRunStore.EventState> states = new ArrayList<>();
        // the newest state of each task run in the batch; sorted by id so that concurrent batches lock rows in one order
        Map<UUID, Recorded> newest = new TreeMap<>();
        for (RunEvent event : batch.events()) {
            Recorded r = recorded(event, nowText);
            if (r == null) continue;
            states.add(r.state());
            Recorded before = newest.get(r.taskRunId());
            if (before == null || !r.occurred().isBefore(before.occurred())) newest.put(r.taskRunId(), r);
        }
        if (states.isEmpty()) return;
        // after the upsert every run of the batch is in the workspace (a run it left alone has a newer state, and
        // this one only joins its history), so every state is recorded
        taskRuns.recordEvents(batch.workspaceId(), Json.joinArray(newest.values(), Recorded::asJson), states, now);
    }

    private static Recorded recorded(RunEvent event, String now) {
        String resourceId = event.resource().getString("prefect.resource.id", "");
        if (!event.name().startsWith(PREFIX) || !resourceId.startsWith(PREFIX)) return null;
        UUID taskRunId = UuidParameters.parse(resourceId.substring(PREFIX.length())).orElse(null);
        if (taskRunId == null) return null; // not a task run we can key
        JsonObject validated = event.payload().get("validated_state") instanceof JsonObject v ? v : null;
        JsonObject taskRun = event.payload().get("task_run") instanceof JsonObject t ? t : null;
        if (validated == null || taskRun == null) return null;
        UUID flowRunId = flowRunOf(event);
        try {
            JsonObject state = RunJson.newState(Body.of(validated), "validated_state", flowRunId, taskRunId,
                    event.occurred(), event.id());
            return new Recorded(new TaskRunStore.EventState(event.id(), taskRunId, state.getString("type"),
                    state.getString("name"), event.occurred(), state.toString()),
                    TaskRunDocument.serverFields(taskRun, taskRunId, flowRunId, state, now));
        } catch (RuntimeException e) {
            return null; // a state or task run Prefect's schema would not validate either
        }
    }

    private static UUID flowRunOf(RunEvent event) {
        for (JsonValue r : event.related()) {
            if (r instanceof JsonObject o && "flow-run".equals(o.getString("prefect.resource.role", null))) {
                String id = o.getString("prefect.resource.id", "");
                if (!id.startsWith("prefect.flow-run.")) return null;
                return UuidParameters.parse(id.substring("prefect.flow-run.".length())).orElse(null);
            }
        }
        return null;
    }
}
