package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.Rejected;
import dev.steward.workers.WorkQueues;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prefect's FlowRun document: the fields each request may send, the document made at creation with Prefect's
 * defaults, the update rules, and what the audit trail keeps of a deleted run. The document is stored and served as
 * the JSON it is ({@link FlowRunStore}).
 *
 * <p>Updates ({@code PATCH /flow_runs/{id}}, Prefect's FlowRunUpdate) are validated as its schema does: only
 * {@link #UPDATE_FIELDS}, an unknown one (labels included: they have their own endpoint) is a 422. Only the fields
 * present change; each replaces the old value (no merging), and an empirical_policy is completed with FlowRunPolicy's
 * defaults. A name sent as null or empty gets a generated one, as Prefect's validator does.
 */
final class FlowRunDocument {
    /** Prefect's FlowRunCreate. */
    static final List<String> CREATE_FIELDS = List.of("state", "name", "flow_id", "flow_version", "parameters", "context",
            "parent_task_run_id", "infrastructure_document_id", "empirical_policy", "tags", "labels",
            "idempotency_key", "deployment_id", "work_pool_name", "work_queue_name", "job_variables", "created_by");
    /** Prefect's FlowRunUpdate. */
    static final List<String> UPDATE_FIELDS = List.of("name", "flow_version", "parameters", "empirical_policy", "tags",
            "infrastructure_pid", "job_variables");
    /** The body of {@code /flow_runs/filter} and {@code /count}. */
    static final List<String> FILTER_FIELDS = List.of("flows", "flow_runs", "task_runs", "deployments",
            "work_pools", "work_pool_queues", "sort", "limit", "offset");
    /** The fields the audit trail keeps of a deleted run. */
    static final List<String> DELETED_FIELDS = List.of("id", "name", "flow_id", "state_type", "state_name", "tags",
            "labels", "deployment_id", "parent_task_run_id", "created");
    /** Prefect's server.api.max_parameter_size default, in bytes of compact JSON. */
    static final int MAX_PARAMETER_BYTES = 524_288;

    private FlowRunDocument() {}

    /** The fields a new run keeps as sent must have the right type: a later read or state change relies on it. */
    static void checkKeptAsSent(Body body) {
        for (String field : List.of("parent_task_run_id", "deployment_id", "infrastructure_document_id")) {
            body.optionalUuid(field);
        }
        for (String field : List.of("flow_version", "work_queue_name", "work_pool_name")) body.optionalString(field);
    }

    /**
     * A new run's document: the body's fields with Prefect's defaults, in the body's state (PENDING when it has none),
     * in the given work queue (or none).
     */
    static JsonObject created(Body body, UUID id, UUID flowId, WorkQueues.Resolved queue, Instant now) {
        List<String> tags = body.optionalStrings("tags").orElse(List.of());
        String name = RunJson.checkName(body.optionalString("name").filter(n -> !n.isEmpty())
                .orElseGet(RunNames::random), "name");
        Body stateBody = body.has("state") && !body.json().isNull("state") ? body.object("state")
                : Body.parse("{\"type\":\"PENDING\"}");
        JsonObject state = RunJson.newState(stateBody, "state", id, null, now);
        JsonObject labels = Json.createObjectBuilder(body.object("labels").json()).add("prefect.flow.id", flowId.toString()).build();
        return Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now.toString()).add("updated", now.toString())
                .add("name", name).add("flow_id", flowId.toString()).add("state_id", state.getString("id"))
                .add("deployment_id", body.raw("deployment_id")).add("deployment_version", JsonValue.NULL)
                .add("work_queue_id", queue == null ? JsonValue.NULL : Json.createValue(queue.queueId().toString()))
                .add("work_queue_name", queue == null ? body.raw("work_queue_name") : Json.createValue(queue.queueName()))
                .add("flow_version", body.raw("flow_version"))
                .add("parameters", body.object("parameters").json()).add("idempotency_key", body.raw("idempotency_key"))
                .add("context", body.object("context").json())
                .add("empirical_policy", defaultPolicy(body.object("empirical_policy").json()))
                .add("tags", Json.strings(tags)).add("labels", labels)
                .add("parent_task_run_id", body.raw("parent_task_run_id"))
                .add("state_type", state.getString("type")).add("state_name", state.getString("name"))
                .add("run_count", 0)
                .add("expected_start_time", expectedStart(state).toString())
                .add("next_scheduled_start_time", state.getString("type").equals("SCHEDULED")
                        ? state.getJsonObject("state_details").get("scheduled_time") : JsonValue.NULL)
                .add("start_time", JsonValue.NULL).add("end_time", JsonValue.NULL)
                .add("total_run_time", 0.0).add("estimated_run_time", 0.0).add("estimated_start_time_delta", 0.0)
                .add("auto_scheduled", false).add("infrastructure_document_id", body.raw("infrastructure_document_id"))
                .add("infrastructure_pid", JsonValue.NULL).add("created_by", JsonValue.NULL)
                .add("work_pool_id", queue == null ? JsonValue.NULL : Json.createValue(queue.poolId().toString()))
                .add("work_pool_name", body.raw("work_pool_name"))
                .add("state", state).add("job_variables", body.object("job_variables").json())
                .build();
    }

    /** FlowRunPolicy's defaults under the given fields, as a new run keeps them. */
    private static JsonObject defaultPolicy(JsonObject given) {
        JsonObjectBuilder p = Json.createObjectBuilder()
                .add("max_retries", 0).add("retry_delay_seconds", 0.0).add("retries", 0).add("retry_delay", 0)
                .add("pause_keys", JsonValue.EMPTY_JSON_ARRAY).add("resuming", false).add("retry_type", JsonValue.NULL);
        given.forEach(p::add);
        return p.build();
    }

    /** A run is expected to start when its state is scheduled for, else when it entered it. */
    private static Instant expectedStart(JsonObject state) {
        Instant scheduled = RunJson.instant(state.getJsonObject("state_details"), "scheduled_time");
        return scheduled != null ? scheduled : RunJson.instant(state, "timestamp");
    }

    /** What the audit trail keeps of a deleted run: its {@link #DELETED_FIELDS}. */
    static JsonObjectBuilder deleted(JsonObject doc) {
        JsonObjectBuilder before = Json.createObjectBuilder();
        for (String field : DELETED_FIELDS) before.add(field, doc.getOrDefault(field, JsonValue.NULL));
        return before;
    }

    /** The changes of a {@code PATCH}, field to new value, in the order Prefect's schema lists them. */
    static Map<String, JsonValue> changes(Body body) {
        body.rejectUnknown(UPDATE_FIELDS);
        JsonObject json = body.json();
        Map<String, JsonValue> changes = new LinkedHashMap<>();
        if (json.containsKey("name")) {
            String name = body.optionalString("name").filter(n -> !n.isEmpty()).orElseGet(RunNames::random);
            changes.put("name", Json.createValue(RunJson.checkName(name, "name")));
        }
        if (json.containsKey("flow_version")) changes.put("flow_version", nullableString(body, "flow_version"));
        if (json.containsKey("parameters")) {
            JsonObject parameters = dictionary(json, "parameters", "Input should be a valid dictionary");
            int size = parameters.toString().getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_PARAMETER_BYTES) {
                throw InvalidInput.field("parameters", String.format(java.util.Locale.ROOT,
                        "Value error, Flow run parameters must be less than %,d bytes when serialized (got %,d bytes).",
                        MAX_PARAMETER_BYTES, size));
            }
            changes.put("parameters", parameters);
        }
        if (json.containsKey("empirical_policy")) {
            dictionary(json, "empirical_policy", "Input should be a valid dictionary or instance of FlowRunPolicy");
            changes.put("empirical_policy", policy(body.object("empirical_policy")));
        }
        if (json.containsKey("tags")) {
            if (json.isNull("tags")) throw InvalidInput.field("tags", "Input should be a valid list");
            changes.put("tags", dev.steward.platform.Json.strings(body.optionalStrings("tags").orElseThrow()));
        }
        if (json.containsKey("infrastructure_pid")) changes.put("infrastructure_pid", nullableString(body, "infrastructure_pid"));
        if (json.containsKey("job_variables")) {
            changes.put("job_variables", json.isNull("job_variables") ? JsonValue.NULL
                    : dictionary(json, "job_variables", "Input should be a valid dictionary"));
        }
        return changes;
    }

    /**
     * Prefect lets a run's job variables change only while it is SCHEDULED and only for a run of a deployment. The
     * answers are Prefect's 400s. (Prefect also checks the variables against the pool's base job template; Steward
     * does not yet: the worker checks them when it builds the job.)
     */
    static void checkJobVariables(JsonObject run) {
        if (!(run.get("state") instanceof JsonObject state)) {
            throw new Rejected("Flow run state is required to update job variables but none exists");
        }
        String type = state.getString("type", "");
        if (!type.equals("SCHEDULED")) {
            throw new Rejected("Job variables for a flow run in state " + type + " cannot be updated");
        }
        if (!(run.get("deployment_id") instanceof jakarta.json.JsonString)) {
            throw new Rejected("A deployment for the flow run could not be found");
        }
    }

    /** FlowRunPolicy with its defaults; the deprecated max_retries / retry_delay_seconds fill retries / retry_delay. */
    static JsonObject policy(Body p) {
        JsonObject given = p.json();
        JsonValue maxRetries = integer(p, "max_retries", false);
        JsonValue retryDelaySeconds = number(p, "retry_delay_seconds");
        JsonValue retries = integer(p, "retries", true);
        JsonValue retryDelay = integer(p, "retry_delay", true);
        if (isFalsy(retries) && isNonZero(maxRetries)) retries = maxRetries;
        if (isFalsy(retryDelay) && isNonZero(retryDelaySeconds)) retryDelay = retryDelaySeconds;
        JsonArrayBuilder pauseKeys = Json.createArrayBuilder(); // a set in Prefect: duplicates go
        new LinkedHashSet<>(p.optionalStrings("pause_keys").orElse(List.of())).forEach(pauseKeys::add);
        JsonValue resuming = given.getOrDefault("resuming", JsonValue.FALSE);
        if (resuming != JsonValue.TRUE && resuming != JsonValue.FALSE && resuming != JsonValue.NULL) {
            throw InvalidInput.field("empirical_policy.resuming", "Input should be a valid boolean");
        }
        JsonValue retryType = given.getOrDefault("retry_type", JsonValue.NULL);
        if (retryType != JsonValue.NULL && !(retryType instanceof JsonString s
                && (s.getString().equals("in_process") || s.getString().equals("reschedule")))) {
            throw InvalidInput.field("empirical_policy.retry_type", "Input should be 'in_process' or 'reschedule'");
        }
        JsonObjectBuilder out = Json.createObjectBuilder()
                .add("max_retries", maxRetries == JsonValue.NULL ? Json.createValue(0) : maxRetries)
                .add("retry_delay_seconds", retryDelaySeconds == JsonValue.NULL ? Json.createValue(0.0) : retryDelaySeconds)
                .add("retries", retries)
                .add("retry_delay", retryDelay)
                .add("pause_keys", pauseKeys)
                .add("resuming", resuming)
                .add("retry_type", retryType);
        return out.build();
    }

    private static JsonValue integer(Body p, String field, boolean nullable) {
        JsonValue v = p.json().get(field);
        if (v == null || v == JsonValue.NULL) return nullable ? JsonValue.NULL : Json.createValue(0);
        if (!(v instanceof JsonNumber n) || !n.isIntegral()
                || n.bigDecimalValue().abs().compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw InvalidInput.field("empirical_policy." + field, "Input should be a valid integer");
        }
        return Json.createValue(n.intValue());
    }

    private static JsonValue number(Body p, String field) {
        JsonValue v = p.json().get(field);
        if (v == null || v == JsonValue.NULL) return JsonValue.NULL;
        return Json.createValue(p.number(field, 0));
    }

    private static boolean isFalsy(JsonValue v) {
        return v == JsonValue.NULL || (v instanceof JsonNumber n && n.doubleValue() == 0);
    }

    private static boolean isNonZero(JsonValue v) {
        return v instanceof JsonNumber n && n.doubleValue() != 0;
    }

    private static JsonValue nullableString(Body body, String field) {
        return body.optionalString(field).<JsonValue>map(Json::createValue).orElse(JsonValue.NULL);
    }

    private static JsonObject dictionary(JsonObject json, String field, String message) {
        if (!(json.get(field) instanceof JsonObject o)) throw InvalidInput.field(field, message);
        return o;
    }
}
