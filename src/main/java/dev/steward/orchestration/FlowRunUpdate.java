package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.Rejected;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Prefect's FlowRunUpdate ({@code PATCH /flow_runs/{id}}), validated as its schema does: only the fields below, an
 * unknown one (labels included: they have their own endpoint) is a 422. Only the fields present change; each replaces
 * the old value (no merging), and an empirical_policy is completed with FlowRunPolicy's defaults. A name sent as null
 * or empty gets a generated one, as Prefect's validator does.
 */
final class FlowRunUpdate {
    static final List<String> FIELDS = List.of("name", "flow_version", "parameters", "empirical_policy", "tags",
            "infrastructure_pid", "job_variables");
    /** Prefect's server.api.max_parameter_size default, in bytes of compact JSON. */
    static final int MAX_PARAMETER_BYTES = 524_288;

    private FlowRunUpdate() {}

    /** The changes, field to new value, in the order Prefect's schema lists them. */
    static Map<String, JsonValue> parse(Body body) {
        body.rejectUnknown(FIELDS);
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
