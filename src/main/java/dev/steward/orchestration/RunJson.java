package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Timestamps;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** Prefect's State and run JSON: defaults, state types, timestamps. */
final class RunJson {
    static final Set<String> STATE_TYPES = Set.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED",
            "CRASHED", "PAUSED", "CANCELLING");
    static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED", "CRASHED");
    /** The state_name columns. */
    static final int MAX_STATE_NAME = 64;
    /** The name columns of flows, flow runs and task runs (and flow_run.idempotency_key). */
    static final int MAX_NAME_LENGTH = 255;

    /** StateDetails with Prefect's defaults, in Prefect's field order. */
    private static final List<String> DETAIL_FIELDS = List.of("flow_run_id", "task_run_id", "child_flow_run_id",
            "scheduled_time", "cache_key", "cache_expiration", "deferred", "untrackable_result", "pause_timeout",
            "pause_reschedule", "pause_key", "run_input_keyset", "refresh_cache", "retriable", "transition_id",
            "task_parameters_id", "traceparent", "deployment_concurrency_lease_id");

    private RunJson() {}

    static Instant instant(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (!(v instanceof JsonString s)) return null;
        return Timestamps.parse(s.getString());
    }

    /**
     * A proposed state (from a request body) made into a stored one: validated type, a name (the type's, capitalised,
     * when absent), a new id and timestamp, and state_details with defaults and the run ids filled in.
     */
    static JsonObject newState(Body proposed, String at, UUID flowRunId, UUID taskRunId, Instant now) {
        return newState(proposed, at, flowRunId, taskRunId, now, UUID.randomUUID());
    }

    /** The same, with the state's id given (a state recorded from an event has the event's id). */
    static JsonObject newState(Body proposed, String at, UUID flowRunId, UUID taskRunId, Instant now, UUID id) {
        String type = proposed.optionalString("type").orElseThrow(() -> InvalidInput.missing(at + ".type"));
        if (!STATE_TYPES.contains(type)) {
            throw InvalidInput.field(at + ".type", "Input should be one of " + STATE_TYPES);
        }
        String name = proposed.optionalString("name").orElse(defaultName(type));
        if (name.length() > MAX_STATE_NAME) {
            throw InvalidInput.field(at + ".name", "String should have at most " + MAX_STATE_NAME + " characters");
        }
        JsonObject given = proposed.object("state_details").json();
        JsonObjectBuilder details = Json.createObjectBuilder();
        for (String field : DETAIL_FIELDS) {
            JsonValue v = given.get(field);
            if (v == null) v = switch (field) {
                case "deferred", "untrackable_result", "pause_reschedule" -> JsonValue.FALSE;
                default -> JsonValue.NULL;
            };
            checkDetail(at + ".state_details." + field, field, v);
            details.add(field, v);
        }
        // a SCHEDULED state without a time is scheduled for now (Prefect's default_scheduled_start_time)
        if (type.equals("SCHEDULED") && given.getOrDefault("scheduled_time", JsonValue.NULL) == JsonValue.NULL) {
            details.add("scheduled_time", now.toString());
        }
        if (flowRunId != null) details.add("flow_run_id", flowRunId.toString());
        if (taskRunId != null) details.add("task_run_id", taskRunId.toString());
        JsonValue message = proposed.json().getOrDefault("message", JsonValue.NULL);
        JsonValue data = proposed.json().getOrDefault("data", JsonValue.NULL);
        return Json.createObjectBuilder()
                .add("id", id.toString())
                .add("type", type)
                .add("name", name)
                .add("timestamp", now.toString())
                .add("message", message)
                .add("data", data)
                .add("state_details", details)
                .build();
    }

    /** The orchestration rules read these details: a wrong type is a 422 here, never a failure in a rule. */
    private static void checkDetail(String at, String field, JsonValue v) {
        if (v == JsonValue.NULL) return;
        switch (field) {
            case "scheduled_time", "cache_expiration", "pause_timeout" -> {
                if (!(v instanceof JsonString s) || !isInstant(s.getString())) {
                    throw InvalidInput.field(at, "Input should be a valid datetime");
                }
            }
            case "cache_key", "pause_key", "transition_id" -> {
                if (!(v instanceof JsonString)) throw InvalidInput.field(at, "Input should be a valid string");
            }
            case "deferred", "untrackable_result", "pause_reschedule", "refresh_cache", "retriable" -> {
                if (v != JsonValue.TRUE && v != JsonValue.FALSE) throw InvalidInput.field(at, "Input should be a valid boolean");
            }
            case "run_input_keyset" -> {
                if (!(v instanceof JsonObject)) throw InvalidInput.field(at, "Input should be a valid dictionary");
            }
            default -> { }
        }
    }

    /** A time within what Instant.toString writes back in a form Timestamps.parse reads (years 0001 to 9999). */
    private static boolean isInstant(String text) {
        try {
            Instant t = Timestamps.parse(text);
            return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** {@code now} plus a number of seconds, kept within {@link #LATEST} (a retry delay may be any number). */
    static Instant plusSeconds(Instant now, double seconds) {
        if (!(seconds < LATEST.getEpochSecond())) return LATEST;
        Instant t = now.plusNanos((long) (Math.max(seconds, -1e9) * 1e9));
        return t.isAfter(LATEST) ? LATEST : t;
    }

    /** A name that fits its column, else Prefect's wording of a 422 for a too-long string. */
    static String checkName(String name, String at) {
        if (name.length() > MAX_NAME_LENGTH) {
            throw InvalidInput.field(at, "String should have at most " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    static String defaultName(String type) {
        return type.charAt(0) + type.substring(1).toLowerCase(Locale.ROOT);
    }

    static double seconds(Instant from, Instant to) {
        return java.time.Duration.between(from, to).toNanos() / 1e9;
    }
}
