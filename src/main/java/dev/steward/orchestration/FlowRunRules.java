package dev.steward.orchestration;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The orchestration rules for flow runs that Steward applies so far, after Prefect's core policy: duplicate
 * transitions (same transition_id) are rejected; a terminal run aborts further proposals; a run that is already
 * pending, running or cancelling cannot go back to PENDING; a proposal before a SCHEDULED run's time waits; a PENDING
 * state copies the scheduled time; a run that fails with retries left is scheduled again (AwaitingRetry).
 * {@code force} skips them all. The rest of Prefect's chain (pausing, deployment concurrency, cancelling without
 * infrastructure) is still to come.
 */
final class FlowRunRules {
    enum Status { ACCEPT, REJECT, WAIT, ABORT }

    private static final Set<String> NO_RETURN_TO_PENDING = Set.of("PENDING", "RUNNING", "CANCELLING", "CANCELLED");

    /** @param state the state to write: the proposal (ACCEPT), a replacement (a retry's REJECT), or null (nothing) */
    record Decision(Status status, JsonObject state, String reason, double delaySeconds) {
        /** Prefect's OrchestrationResult: {state, status, details}. */
        JsonObject result(JsonObject shownState) {
            JsonObjectBuilder details = Json.createObjectBuilder().add("type", status.name().toLowerCase() + "_details");
            if (status == Status.WAIT) details.add("delay_seconds", delaySeconds);
            if (status != Status.ACCEPT) details.add("reason", reason);
            return Json.createObjectBuilder()
                    .add("state", shownState == null ? JsonValue.NULL : shownState)
                    .add("status", status.name())
                    .add("details", details)
                    .build();
        }
    }

    private FlowRunRules() {}

    static Decision decide(JsonObject current, JsonObject proposed, boolean force, Instant now, JsonObject run) {
        if (force || current == null) return accept(proposed);
        String from = current.getString("type");
        String to = proposed.getString("type");
        String transitionId = text(proposed.getJsonObject("state_details"), "transition_id");
        if (transitionId != null && transitionId.equals(text(current.getJsonObject("state_details"), "transition_id"))) {
            return new Decision(Status.REJECT, null, "This run has already made this state transition.", 0);
        }
        if (RunJson.TERMINAL.contains(from)) {
            return new Decision(Status.ABORT, null, "This run is already in terminal state " + from + ".", 0);
        }
        if (to.equals("PENDING") && NO_RETURN_TO_PENDING.contains(from)) {
            return new Decision(Status.ABORT, null,
                    "This run is in a " + from + " state and cannot transition to a PENDING state.", 0);
        }
        if (from.equals("SCHEDULED")) {
            Instant scheduled = RunJson.instant(current.getJsonObject("state_details"), "scheduled_time");
            if (scheduled != null && (to.equals("PENDING") || to.equals("RUNNING")) && scheduled.isAfter(now)) {
                double delay = Duration.between(now, scheduled).toMillis() / 1000.0;
                return new Decision(Status.WAIT, null, "The run is scheduled for " + scheduled + ".", delay);
            }
            if (to.equals("PENDING") && scheduled != null) {
                JsonObject details = Json.createObjectBuilder(proposed.getJsonObject("state_details"))
                        .add("scheduled_time", scheduled.toString()).build();
                return accept(Json.createObjectBuilder(proposed).add("state_details", details).build());
            }
        }
        if (from.equals("RUNNING") && to.equals("FAILED")) {
            Decision retry = retry(proposed, run, now);
            if (retry != null) return retry;
        }
        return accept(proposed);
    }

    /**
     * RetryFailedFlows: a run that fails with retries left is not failed but scheduled again (AwaitingRetry, after
     * the retry delay); the answer is a REJECT carrying that new state, which is written.
     */
    private static Decision retry(JsonObject proposed, JsonObject run, Instant now) {
        JsonObject policy = run.get("empirical_policy") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        if (!(policy.get("retries") instanceof jakarta.json.JsonNumber retries)) return null;
        if (run.getInt("run_count", 0) > retries.intValue()) return null;
        double delay = policy.get("retry_delay") instanceof jakarta.json.JsonNumber d ? d.doubleValue() : 0;
        Instant scheduled = now.plusMillis((long) (delay * 1000));
        JsonObject details = Json.createObjectBuilder(proposed.getJsonObject("state_details"))
                .add("scheduled_time", scheduled.toString())
                .add("transition_id", JsonValue.NULL)
                .build();
        JsonObject awaitingRetry = Json.createObjectBuilder(proposed)
                .add("id", java.util.UUID.randomUUID().toString())
                .add("type", "SCHEDULED")
                .add("name", "AwaitingRetry")
                .add("state_details", details)
                .build();
        return new Decision(Status.REJECT, awaitingRetry, "Retrying", 0);
    }

    private static Decision accept(JsonObject state) {
        return new Decision(Status.ACCEPT, state, null, 0);
    }

    /**
     * The run document after an accepted state: current state fields, run count (entering RUNNING), start and end
     * times, total run time (time spent RUNNING) and the estimates derived from them.
     */
    static JsonObject applyTiming(JsonObject run, JsonObject from, JsonObject to, Instant now) {
        Instant at = RunJson.instant(to, "timestamp");
        int runCount = run.getInt("run_count", 0);
        Instant start = RunJson.instant(run, "start_time");
        Instant end = RunJson.instant(run, "end_time");
        double total = FlowRunService.number(run, "total_run_time");
        if (from != null && "RUNNING".equals(from.getString("type"))) {
            total += RunJson.seconds(RunJson.instant(from, "timestamp"), at);
        }
        String type = to.getString("type");
        if (type.equals("RUNNING")) {
            runCount++;
            if (start == null) start = at;
        }
        if (RunJson.TERMINAL.contains(type)) end = at;
        Instant expected = RunJson.instant(run, "expected_start_time");
        if (type.equals("SCHEDULED")) {
            Instant scheduled = RunJson.instant(to.getJsonObject("state_details"), "scheduled_time");
            if (scheduled != null) expected = scheduled;
        }
        JsonObjectBuilder b = Json.createObjectBuilder(run)
                .add("updated", now.toString())
                .add("state_id", to.getString("id"))
                .add("state_type", type)
                .add("state_name", to.getString("name"))
                .add("state", to)
                .add("run_count", runCount)
                .add("start_time", RunJson.value(start))
                .add("end_time", RunJson.value(end))
                .add("total_run_time", total)
                .add("estimated_run_time", total)
                .add("expected_start_time", RunJson.value(expected));
        if (start != null && expected != null) {
            b.add("estimated_start_time_delta", Math.max(0, RunJson.seconds(expected, start)));
        }
        return b.build();
    }

    private static String text(JsonObject o, String key) {
        if (o == null) return null;
        JsonValue v = o.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }

}
