package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's TaskRun document: the fields each request may send, the document made at creation over HTTP with
 * Prefect's defaults, and, for the runs recorded from the client's events ({@link TaskRunRecorder}), the defaults
 * under the client's task run and the fields the server sets over it. The document is stored and served as the JSON
 * it is ({@link TaskRunStore}).
 */
final class TaskRunDocument {
    /** Prefect's TaskRunCreate. */
    static final List<String> CREATE_FIELDS = List.of("id", "name", "flow_run_id", "task_key", "dynamic_key",
            "cache_key", "cache_expiration", "task_version", "empirical_policy", "tags", "labels", "task_inputs",
            "state", "created", "updated");
    /** The body of {@code /task_runs/filter} and {@code /count}. */
    static final List<String> FILTER_FIELDS = List.of("flows", "flow_runs", "task_runs", "deployments",
            "sort", "limit", "offset");

    /** Prefect's TaskRun defaults for what a client's task_run may leave out (ids, times and state are set apart). */
    static final String DEFAULTS = Json.createObjectBuilder()
            .add("name", "").add("task_key", "").add("dynamic_key", "").add("cache_key", JsonValue.NULL)
            .add("cache_expiration", JsonValue.NULL).add("task_version", JsonValue.NULL)
            .add("empirical_policy", JsonValue.EMPTY_JSON_OBJECT).add("tags", JsonValue.EMPTY_JSON_ARRAY)
            .add("labels", JsonValue.EMPTY_JSON_OBJECT).add("task_inputs", JsonValue.EMPTY_JSON_OBJECT)
            .add("run_count", 0).add("flow_run_run_count", 0)
            .build().toString();

    private TaskRunDocument() {}

    /** A task run created over HTTP, in the body's state (PENDING when it has none). */
    static JsonObject created(Body body, UUID id, UUID flowRunId, String taskKey, String dynamicKey, Instant now) {
        Body stateBody = body.has("state") && !body.json().isNull("state") ? body.object("state")
                : Body.parse("{\"type\":\"PENDING\"}");
        JsonObject state = RunJson.newState(stateBody, "state", flowRunId, id, now);
        return Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now.toString()).add("updated", now.toString())
                .add("name", RunJson.checkName(body.optionalString("name").orElse(taskKey), "name"))
                .add("flow_run_id", Json.orNull(flowRunId))
                .add("task_key", taskKey).add("dynamic_key", dynamicKey)
                .add("cache_key", body.raw("cache_key")).add("cache_expiration", body.raw("cache_expiration"))
                .add("task_version", body.raw("task_version"))
                .add("empirical_policy", body.object("empirical_policy").json())
                .add("tags", Json.strings(body.optionalStrings("tags").orElse(List.of())))
                .add("labels", body.object("labels").json()).add("task_inputs", body.object("task_inputs").json())
                .add("state_id", state.getString("id")).add("state_type", state.getString("type"))
                .add("state_name", state.getString("name")).add("run_count", 0).add("flow_run_run_count", 0)
                .add("expected_start_time", now.toString()).add("next_scheduled_start_time", JsonValue.NULL)
                .add("start_time", JsonValue.NULL).add("end_time", JsonValue.NULL).add("total_run_time", 0.0)
                .add("estimated_run_time", 0.0).add("estimated_start_time_delta", 0.0).add("state", state)
                .build();
    }

    /**
     * The fields of Prefect's TaskRun the server sets over the client's: ids, created (kept from the stored run, if
     * any), the state, and the times, which queries compare in SQL, each null or a date-time written as Instant
     * writes it.
     *
     * @throws RuntimeException when a time or the run time is not what Prefect's TaskRun schema takes
     */
    static JsonObject serverFields(JsonObject taskRun, UUID id, UUID flowRunId, JsonObject state, String now) {
        Body given = Body.of(taskRun);
        Instant start = given.optionalInstant("start_time").orElse(null);
        Instant expected = given.optionalInstant("expected_start_time").orElse(null);
        double total = given.number("total_run_time", 0.0);
        return Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now).add("updated", now)
                .add("flow_run_id", Json.orNull(flowRunId))
                .add("start_time", Json.orNull(start))
                .add("expected_start_time", Json.orNull(expected))
                .add("end_time", Json.orNull(given.optionalInstant("end_time").orElse(null)))
                .add("next_scheduled_start_time", Json.orNull(given.optionalInstant("next_scheduled_start_time").orElse(null)))
                .add("total_run_time", total)
                .add("state_id", state.getString("id"))
                .add("state_type", state.getString("type"))
                .add("state_name", state.getString("name"))
                .add("estimated_run_time", total)
                .add("estimated_start_time_delta", start != null && expected != null ? Math.max(0, RunJson.seconds(expected, start)) : 0.0)
                .build();
    }
}
