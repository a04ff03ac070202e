package dev.steward.orchestration;

import dev.steward.orchestration.FlowRunRules.Decision;
import dev.steward.orchestration.FlowRunRules.Transition;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Prefect 3.9's orchestration rules for server-orchestrated task-run states ({@code POST /task_runs/{id}/set_state},
 * its CoreTaskPolicy in its order), as a pure decision like {@link FlowRunRules}:
 * <ol>
 * <li>CacheRetrieval: RUNNING with a cache_key (and no refresh_cache) whose cached COMPLETED state has not expired is
 * rejected with a fresh copy of that state named "Cached".</li>
 * <li>HandleTaskTerminalStateTransitions: a terminal task run aborts CANCELLING, PAUSED and CRASHED; a COMPLETED one
 * with a persisted result rejects everything; leaving a terminal state for a non-final one resets the run count (and
 * so the retries), and RUNNING is named "Retrying" when the flow run has started again since.</li>
 * <li>PreventRunningTasksFromStoppedFlows: RUNNING needs the flow run RUNNING; a PAUSED flow run answers with a PAUSED
 * state named "NotReady", any other aborts.</li>
 * <li>CopyScheduledTime, WaitForScheduledTime (shared with flow runs).</li>
 * <li>RetryFailedTasks: RUNNING to FAILED with retries left (and the state not marked not retriable) is rejected
 * with an AwaitingRetry state after retry_delay (one delay, or one per attempt), with retry_jitter_factor.</li>
 * <li>RenameReruns: RUNNING on a run that has run before is "Retrying" after AwaitingRetry, else "Rerunning".</li>
 * <li>UpdateFlowRunTrackerOnTasks: entering RUNNING records the flow run's run count.</li>
 * <li>CacheInsertion: a COMPLETED state with a cache_key is cached (keys over 2,000 characters are refused).</li>
 * </ol>
 * Tag concurrency (SecureTaskConcurrencySlots) is not applied here: the client takes its slots itself through the
 * concurrency-limit API. {@code force} applies no rule, as Prefect's MinimalTaskPolicy. The flow run and the cache are
 * read through {@link Lookups} only by the rules that need them, so most proposals cost no extra query.
 */
final class TaskRunRules {
    /** Prefect's server.tasks.max_cache_key_length default. */
    static final int MAX_CACHE_KEY_LENGTH = 2000;

    /** What the rules may need beyond the task run itself; each is read only when a rule asks. */
    interface Lookups {
        /** The newest cached state for the key that has not expired at {@code now}, or null. */
        JsonObject cachedState(String cacheKey, Instant now);

        /** The task run's flow run, or null when it has none (or it is gone). */
        FlowRunView flowRun();
    }

    /** What the task rules read of a flow run. */
    record FlowRunView(UUID id, int runCount, JsonObject state) {}

    private TaskRunRules() {}

    static Decision decide(JsonObject current, JsonObject proposed, boolean force, Instant now, JsonObject run,
                           Lookups lookups) {
        TaskTransition t = new TaskTransition(current, proposed, run, now, lookups);
        if (!force) {
            cacheRetrieval(t);
            handleTaskTerminalStateTransitions(t);
            preventRunningTasksFromStoppedFlows(t);
            FlowRunRules.copyScheduledTime(t);
            FlowRunRules.waitForScheduledTime(t);
            retryFailedTasks(t);
            renameReruns(t);
            updateFlowRunTrackerOnTasks(t);
            cacheInsertion(t);
        }
        if (t.state == null) return new Decision(t.status, null, t.reason, t.delaySeconds, null, false);
        JsonObject before = run;
        // rules whose proposal kept its type keep their effects; a rule that changed it undid them (Prefect's cleanup)
        if (t.open() && (t.runCountReset || t.flowRunRunCount != null)) {
            JsonObjectBuilder b = Json.createObjectBuilder(run);
            if (t.runCountReset) b.add("run_count", 0);
            if (t.flowRunRunCount != null) b.add("flow_run_run_count", t.flowRunRunCount);
            before = b.build();
        }
        JsonObject updated = FlowRunRules.applyTiming(before, current, t.state, now);
        return new Decision(t.status, t.state, t.reason, t.delaySeconds, updated, t.open() && t.cache);
    }

    private static final class TaskTransition extends Transition {
        final Lookups lookups;
        boolean runCountReset;
        Integer flowRunRunCount;
        boolean cache;
        private FlowRunView flowRun;
        private boolean flowRunRead;

        TaskTransition(JsonObject from, JsonObject proposed, JsonObject run, Instant now, Lookups lookups) {
            super(from, proposed, run, now);
            this.lookups = lookups;
        }

        /** The flow run, read once, only when the run has one. */
        FlowRunView flowRun() {
            if (!flowRunRead && !FlowRunRules.missing(run, "flow_run_id")) flowRun = lookups.flowRun();
            flowRunRead = true;
            return flowRun;
        }

        int runCount() {
            return runCountReset ? 0 : run.getInt("run_count", 0);
        }
    }

    private static void cacheRetrieval(TaskTransition t) {
        if (!t.open() || !t.toType.equals(FlowRunRules.RUNNING)) return;
        String key = FlowRunRules.text(t.details(), "cache_key");
        if (key == null || key.isEmpty() || t.details().get("refresh_cache") == JsonValue.TRUE) return;
        JsonObject cached = t.lookups.cachedState(key, t.now);
        if (cached == null) return;
        JsonObject ids = t.details();
        JsonObject details = Json.createObjectBuilder(cached.getJsonObject("state_details"))
                .add("flow_run_id", ids.get("flow_run_id")).add("task_run_id", ids.get("task_run_id")).build();
        JsonObject copy = Json.createObjectBuilder(cached)
                .add("id", UUID.randomUUID().toString())
                .add("timestamp", t.now.toString())
                .add("name", "Cached")
                .add("state_details", details)
                .build();
        t.reject(copy, "Retrieved state from cache");
    }

    private static void handleTaskTerminalStateTransitions(TaskTransition t) {
        if (!t.open() || !FlowRunRules.terminal(t.fromType)) return;
        if (FlowRunRules.NOT_FROM_TERMINAL.contains(t.toType)) {
            t.abort("Run is already " + t.fromType + ".");
            return;
        }
        if (t.fromType.equals(FlowRunRules.COMPLETED) && FlowRunRules.hasPersistedResult(t.from.get("data"), true)) {
            t.reject(null, "This run is already completed.");
            return;
        }
        if (!FlowRunRules.terminal(t.toType)) t.runCountReset = true;
        if (t.toType.equals(FlowRunRules.RUNNING)) {
            FlowRunView flowRun = t.flowRun();
            if (flowRun != null && t.run.getInt("flow_run_run_count", 0) < flowRun.runCount()) t.rename("Retrying");
        }
    }

    private static void preventRunningTasksFromStoppedFlows(TaskTransition t) {
        if (!t.open() || !t.toType.equals(FlowRunRules.RUNNING)) return;
        FlowRunView flowRun = t.flowRun();
        if (flowRun == null) return;
        String reason = "The enclosing flow must be running to begin task execution.";
        if (flowRun.state() == null) {
            t.abort(reason);
        } else if (FlowRunRules.PAUSED.equals(flowRun.state().getString("type"))) {
            JsonObject paused = flowRun.state().getJsonObject("state_details");
            JsonObject details = Json.createObjectBuilder()
                    .add("pause_timeout", paused.getOrDefault("pause_timeout", JsonValue.NULL))
                    .add("pause_reschedule", paused.getOrDefault("pause_reschedule", JsonValue.FALSE))
                    .build();
            t.reject(t.newState(FlowRunRules.PAUSED, "NotReady", JsonValue.NULL, JsonValue.NULL, details),
                    "The flow is paused, new tasks can execute after resuming flow run: " + flowRun.id() + ".");
        } else if (!FlowRunRules.RUNNING.equals(flowRun.state().getString("type"))) {
            t.abort(reason);
        }
    }

    private static void retryFailedTasks(TaskTransition t) {
        if (!t.open() || !FlowRunRules.RUNNING.equals(t.fromType) || !t.toType.equals(FlowRunRules.FAILED)) return;
        JsonObject policy = FlowRunRules.policy(t.run);
        int runCount = t.runCount();
        double delay = 0;
        if (policy.get("retry_delay") instanceof JsonArray delays && !delays.isEmpty()) {
            // Python's list index: attempt n takes the n-th delay, the last one repeats (and index -1 is the last)
            int i = Math.min(runCount - 1, delays.size() - 1);
            if (delays.get(i < 0 ? delays.size() + i : i) instanceof JsonNumber n) delay = n.doubleValue();
        } else if (policy.get("retry_delay") instanceof JsonNumber n) {
            delay = n.doubleValue();
        }
        if (policy.get("retry_jitter_factor") instanceof JsonNumber jitter && jitter.doubleValue() > 0 && delay > 0) {
            delay = clampedPoissonInterval(delay, jitter.doubleValue());
        }
        if (t.details().get("retriable") == JsonValue.FALSE) return;
        if (policy.get("retries") instanceof JsonNumber retries && runCount <= retries.intValue()) {
            t.reject(FlowRunRules.awaitingRetry(t, delay), "Retrying");
        }
    }

    /**
     * Prefect's clamped_poisson_interval: a random interval around {@code average}, at most {@code average * (1 +
     * factor)}, with a lower bound that keeps the mean about {@code average}.
     */
    static double clampedPoissonInterval(double average, double factor) {
        double upperMultiple = 1 + factor;
        double lowerMultiple = upperMultiple >= 50 ? 0
                : Math.log(Math.max(Math.pow(2, upperMultiple) / (Math.pow(2, upperMultiple) - 1), 1e-10)) / Math.log(2);
        double lower = exponentialCdf(Math.max(0, average * lowerMultiple), average);
        double upper = exponentialCdf(average * upperMultiple, average);
        double u = lower + ThreadLocalRandom.current().nextDouble() * (upper - lower);
        return -Math.log(Math.max(1 - u, 1e-10)) * average;
    }

    private static double exponentialCdf(double x, double average) {
        return 1 - Math.exp(-x / average);
    }

    private static void renameReruns(TaskTransition t) {
        if (!t.open() || t.from == null || !t.toType.equals(FlowRunRules.RUNNING)) return;
        if (t.runCount() > 0) t.rename("AwaitingRetry".equals(t.from.getString("name")) ? "Retrying" : "Rerunning");
    }

    private static void updateFlowRunTrackerOnTasks(TaskTransition t) {
        if (!t.open() || !t.toType.equals(FlowRunRules.RUNNING)) return;
        FlowRunView flowRun = t.flowRun();
        if (flowRun != null) t.flowRunRunCount = flowRun.runCount();
    }

    private static void cacheInsertion(TaskTransition t) {
        if (!t.open() || !t.toType.equals(FlowRunRules.COMPLETED)) return;
        String key = FlowRunRules.text(t.details(), "cache_key");
        if (key != null && key.length() > MAX_CACHE_KEY_LENGTH) {
            // Prefect writes the state anyway and still caches it; the key is refused here, so nothing is cached
            t.reject(t.state, "Cache key exceeded maximum allowed length of " + MAX_CACHE_KEY_LENGTH + " characters.");
            return;
        }
        t.cache = key != null && !key.isEmpty();
    }
}
