package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.events.RunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.UUID;

/**
 * Turns the task-run events a Prefect client sends ({@code prefect.task-run.<State>}) into task runs and their state
 * histories, as Prefect's task_run_recorder does: the task run's id is in the resource id, its flow run is the related
 * resource with role flow-run, the state is the payload's validated_state with the event's id and time. Idempotent
 * (a state is stored once per event id) and order-independent: the newest state by timestamp is the current one,
 * whatever order the events arrive in. Observes {@link RunEvent}, so it runs in the transaction that stores the event.
 */
@ApplicationScoped
public class TaskRunRecorder {
    static final String PREFIX = "prefect.task-run.";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    void onEvent(@Observes RunEvent event) {
        if (event.name().startsWith(PREFIX)) record(event.toJson(Instant.now()));
    }

    void record(JsonObject event) {
        String resourceId = event.getJsonObject("resource").getString("prefect.resource.id", "");
        if (!resourceId.startsWith(PREFIX)) return;
        UUID taskRunId;
        try {
            taskRunId = UUID.fromString(resourceId.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return; // not a task run we can key
        }
        JsonObject payload = event.getJsonObject("payload");
        JsonObject validated = payload == null ? null : payload.get("validated_state") instanceof JsonObject v ? v : null;
        JsonObject taskRun = payload == null ? null : payload.get("task_run") instanceof JsonObject t ? t : null;
        if (validated == null || taskRun == null) return;
        UUID flowRunId = flowRunOf(event);
        UUID stateId = UUID.fromString(event.getString("id"));
        Instant occurred = RunJson.parseInstant(event.getString("occurred"));
        Instant now = Instant.now();

        JsonObject proposed = Json.createObjectBuilder(validated).build();
        JsonObject state = Json.createObjectBuilder(RunJson.newState(Body.parse(proposed.toString()), "validated_state",
                        flowRunId, taskRunId, occurred))
                .add("id", stateId.toString())
                .build();

        TaskRun run = em.find(TaskRun.class, taskRunId, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            run = new TaskRun(taskRunId, now);
            run.store(document(taskRun, taskRunId, flowRunId, state, now, now), occurred, now);
            em.persist(run);
        } else if (run.getStateTimestamp() == null || !occurred.isBefore(run.getStateTimestamp())) {
            run.store(document(taskRun, taskRunId, flowRunId, state, run.getCreated(), now), occurred, now);
        }
        if (em.find(TaskRunState.class, stateId) == null) {
            em.persist(new TaskRunState(taskRunId, state));
        }
    }

    private static UUID flowRunOf(JsonObject event) {
        JsonValue related = event.get("related");
        if (related == null || related.getValueType() != JsonValue.ValueType.ARRAY) return null;
        for (JsonValue r : related.asJsonArray()) {
            if (r instanceof JsonObject o && "flow-run".equals(o.getString("prefect.resource.role", null))) {
                String id = o.getString("prefect.resource.id", "");
                try {
                    return UUID.fromString(id.substring("prefect.flow-run.".length()));
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Prefect's TaskRun object from the event's task_run and state. */
    private static JsonObject document(JsonObject taskRun, UUID id, UUID flowRunId, JsonObject state, Instant created,
                                       Instant now) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", id.toString()).add("created", created.toString()).add("updated", now.toString())
                .add("name", "").add("flow_run_id", flowRunId == null ? JsonValue.NULL : Json.createValue(flowRunId.toString()))
                .add("task_key", "").add("dynamic_key", "").add("cache_key", JsonValue.NULL)
                .add("cache_expiration", JsonValue.NULL).add("task_version", JsonValue.NULL)
                .add("empirical_policy", JsonValue.EMPTY_JSON_OBJECT).add("tags", JsonValue.EMPTY_JSON_ARRAY)
                .add("labels", JsonValue.EMPTY_JSON_OBJECT).add("task_inputs", JsonValue.EMPTY_JSON_OBJECT)
                .add("run_count", 0).add("flow_run_run_count", 0).add("expected_start_time", JsonValue.NULL)
                .add("next_scheduled_start_time", JsonValue.NULL).add("start_time", JsonValue.NULL)
                .add("end_time", JsonValue.NULL).add("total_run_time", 0.0);
        taskRun.forEach((k, v) -> {
            if (!k.equals("id") && !k.equals("state") && !k.equals("flow_run_id")) b.add(k, v);
        });
        Instant start = RunJson.instant(taskRun, "start_time");
        Instant expected = RunJson.instant(taskRun, "expected_start_time");
        double total = taskRun.get("total_run_time") instanceof jakarta.json.JsonNumber n ? n.doubleValue() : 0.0;
        return b.add("state_id", state.getString("id"))
                .add("state_type", state.getString("type"))
                .add("state_name", state.getString("name"))
                .add("estimated_run_time", total)
                .add("estimated_start_time_delta", start != null && expected != null ? Math.max(0, RunJson.seconds(expected, start)) : 0.0)
                .add("state", state)
                .build();
    }
}
