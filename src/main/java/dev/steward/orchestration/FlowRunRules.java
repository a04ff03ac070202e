package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Prefect 3.9's orchestration rules for flow runs (its CoreFlowPolicy, in its order), as a pure decision: given the
 * run's document, its current state and a proposed one, the answer (ACCEPT, REJECT, WAIT or ABORT with Prefect's
 * reason), the state to write (the proposal, a replacement, or none) and the run's document after it.
 * <ol>
 * <li>PreventDuplicateTransitions: a proposal with the current state's transition_id is rejected.</li>
 * <li>HandleFlowTerminalStateTransitions: a terminal run aborts CANCELLING, PAUSED and CRASHED and, without a
 * deployment, SCHEDULED; a COMPLETED run with a persisted result rejects non-final states and a COMPLETED state
 * without one; leaving a terminal state otherwise resets the pause keys (a re-run pauses again).</li>
 * <li>EnforceCancellingToCancelledTransition: a CANCELLING run rejects everything but CANCELLED. Prefect answers with
 * the current state, leaving the run CANCELLING until its cancellation-timeout service (300 s) marks it CANCELLED;
 * Steward has no such service, so a run with no infrastructure_pid and no deployment whose process proposes a final
 * state (it has finished: nothing is left to tear down) is answered with a CANCELLED state, which is written.</li>
 * <li>BypassCancellingFlowRunsWithNoInfra: CANCELLING a SCHEDULED run without infrastructure_pid (or a "Resuming"
 * one), or a suspended PAUSED run (pause_reschedule), is rejected with a CANCELLED state.</li>
 * <li>PreventPendingTransitions: a PENDING, RUNNING, CANCELLING or CANCELLED run cannot go to PENDING, except to a
 * differently named PENDING state from PENDING.</li>
 * <li>EnsureOnlyScheduledFlowsMarkedLate: only a SCHEDULED run not yet "Late" may be marked "Late".</li>
 * <li>HandlePausingFlows: only a RUNNING run may pause; a pause_key already in empirical_policy.pause_keys is
 * rejected ("already fired"); a reschedule pause (suspend) needs a deployment and is refused to subflows; an accepted
 * pause records its key.</li>
 * <li>HandleResumingPausedFlows: a PAUSED run may go to RUNNING, SCHEDULED, CANCELLING or a final state; a blocking
 * (in-process) pause past its pause_timeout is answered with a FAILED state; afterwards the run is "resuming", so
 * entering RUNNING again does not count as a new run.</li>
 * <li>CopyScheduledTime, WaitForScheduledTime: PENDING takes the SCHEDULED state's time unless it has one; RUNNING
 * before the scheduled time waits (whole seconds).</li>
 * <li>RetryFailedFlows: a RUNNING run that fails with retries left is rejected with an AwaitingRetry state.</li>
 * </ol>
 * After PreventPendingTransitions come the deployment-concurrency rules: the lease of a deployment slot is kept from
 * PENDING to RUNNING, and SecureFlowConcurrencySlots takes a slot through {@link DeploymentSlots} when a run of a
 * deployment with a limit enters PENDING (ENQUEUE: SCHEDULED "AwaitingConcurrencySlot"; CANCEL_NEW: CANCELLED);
 * {@link #slotToRelease} is ReleaseFlowConcurrencySlots. {@code force} applies Prefect's MinimalFlowPolicy: only the result-data guard and the bypass of CANCELLING.
 * The global transforms follow: run count (not when resuming), start, end and run times. {@link TaskRunRules} is the
 * task-run chain; both use {@link Transition} and share the scheduled-time rules.
 */
final class FlowRunRules {
    enum Status { ACCEPT, REJECT, WAIT, ABORT }

    static final String PENDING = "PENDING";
    static final String RUNNING = "RUNNING";
    static final String SCHEDULED = "SCHEDULED";
    static final String PAUSED = "PAUSED";
    static final String CANCELLING = "CANCELLING";
    static final String CANCELLED = "CANCELLED";
    static final String COMPLETED = "COMPLETED";
    static final String FAILED = "FAILED";

    /** States a terminal run may never enter, whatever else holds. */
    static final Set<String> NOT_FROM_TERMINAL = Set.of(CANCELLING, PAUSED, "CRASHED");
    private static final Set<String> NO_RETURN_TO_PENDING = Set.of(PENDING, RUNNING, CANCELLING, CANCELLED);

    /**
     * @param state the state to write: the proposal (ACCEPT), a replacement (REJECT), or null (nothing is written)
     * @param run the run's document once {@code state} is written, or null when nothing is
     * @param cache whether the written state goes into the task-run cache under its cache_key (CacheInsertion)
     */
    record Decision(Status status, JsonObject state, String reason, long delaySeconds, JsonObject run, boolean cache) {
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

    /**
     * One proposal on its way through a chain of rules, as Prefect's orchestration context: a rule applies only while
     * the proposal still has the type it was made with ({@link #open()}); a rule that rejects with another type,
     * rejects with nothing, waits or aborts ends the chain for the rules after it.
     */
    static class Transition {
        final JsonObject from;
        final String fromType;
        final String toType;
        final JsonObject run;
        final Instant now;
        JsonObject state;
        Status status = Status.ACCEPT;
        String reason;
        long delaySeconds;
        /** empirical_policy changes a rule makes with its own answer: kept whenever a state is written. */
        final Map<String, JsonValue> policy = new LinkedHashMap<>();
        /** Changes that hold only for the proposal as made: dropped when a later rule changes its type. */
        final Map<String, JsonValue> policyIfUnchanged = new LinkedHashMap<>();
        /** Changes made once the state is written (Prefect's after_transition hooks). */
        final Map<String, JsonValue> policyAfter = new LinkedHashMap<>();

        Transition(JsonObject from, JsonObject proposed, JsonObject run, Instant now) {
            this.from = from;
            this.fromType = from == null ? null : from.getString("type");
            this.toType = proposed.getString("type");
            this.state = proposed;
            this.run = run;
            this.now = now;
        }

        boolean open() {
            return state != null && state.getString("type").equals(toType);
        }

        void reject(JsonObject replacement, String why) {
            state = replacement;
            status = Status.REJECT;
            reason = why;
        }

        void abort(String why) {
            state = null;
            status = Status.ABORT;
            reason = why;
        }

        void delay(long seconds, String why) {
            state = null;
            status = Status.WAIT;
            reason = why;
            delaySeconds = seconds;
        }

        void rename(String name) {
            state = Json.createObjectBuilder(state).add("name", name).build();
        }

        JsonObject details() {
            return state.getJsonObject("state_details");
        }

        JsonObject fromDetails() {
            return from.getJsonObject("state_details");
        }

        /** A state a rule makes (Prefect's Cancelled(), AwaitingRetry(...)): new id and time, the proposal's run ids. */
        JsonObject newState(String type, String name, JsonValue message, JsonValue data, JsonObject details) {
            JsonObject ids = state.getJsonObject("state_details");
            JsonObjectBuilder b = Json.createObjectBuilder().add("type", type).add("message", message).add("data", data)
                    .add("state_details", details);
            if (name != null) b.add("name", name);
            return RunJson.newState(Body.of(b.build()), "state", uuid(ids, "flow_run_id"), uuid(ids, "task_run_id"), now);
        }
    }

    private FlowRunRules() {}

    static Decision decide(JsonObject current, JsonObject proposed, boolean force, Instant now, JsonObject run) {
        return decide(current, proposed, force, now, run, null);
    }

    /** The same, with deployment concurrency limits applied through {@code slots} (null: none). */
    static Decision decide(JsonObject current, JsonObject proposed, boolean force, Instant now, JsonObject run,
                           DeploymentSlots slots) {
        Transition t = new Transition(current, proposed, run, now);
        if (force) {
            preventResultDataLoss(t);
            bypassCancellingFlowRunsWithNoInfra(t);
        } else {
            preventDuplicateTransitions(t);
            handleFlowTerminalStateTransitions(t);
            enforceCancellingToCancelledTransition(t);
            bypassCancellingFlowRunsWithNoInfra(t);
            preventPendingTransitions(t);
            copyDeploymentLease(t);
            if (slots != null) secureFlowConcurrencySlots(t, slots);
            ensureOnlyScheduledFlowsMarkedLate(t);
            handlePausingFlows(t);
            handleResumingPausedFlows(t);
            copyScheduledTime(t);
            waitForScheduledTime(t);
            retryFailedFlows(t);
        }
        if (t.state == null) return new Decision(t.status, null, t.reason, t.delaySeconds, null, false);
        return new Decision(t.status, t.state, t.reason, t.delaySeconds, updatedRun(t), false);
    }

    /** The global transforms: policy changes, run count (a resumed run does not count again), timing. */
    private static JsonObject updatedRun(Transition t) {
        JsonObjectBuilder policy = Json.createObjectBuilder(policy(t.run));
        t.policy.forEach(policy::add);
        if (t.open()) t.policyIfUnchanged.forEach(policy::add);
        JsonObject before = policy.build();
        String type = t.state.getString("type");
        boolean resuming = before.get("resuming") == JsonValue.TRUE;
        JsonObjectBuilder after = Json.createObjectBuilder(before);
        if (resuming && (type.equals(RUNNING) || RunJson.TERMINAL.contains(type))) after.add("resuming", false);
        t.policyAfter.forEach(after::add);
        return timing(t.run, t.from, t.state, t.now, !resuming, after.build());
    }

    private static void preventDuplicateTransitions(Transition t) {
        if (!t.open() || t.from == null) return;
        String id = text(t.details(), "transition_id");
        if (id != null && id.equals(text(t.fromDetails(), "transition_id"))) {
            t.reject(null, "This run has already made this state transition.");
        }
    }

    private static void handleFlowTerminalStateTransitions(Transition t) {
        if (!t.open() || !terminal(t.fromType)) return;
        if (NOT_FROM_TERMINAL.contains(t.toType)) {
            t.abort("Run is already in terminal state " + t.fromType + ".");
            return;
        }
        boolean toFinal = RunJson.TERMINAL.contains(t.toType);
        boolean keepsResult = t.fromType.equals(COMPLETED) && hasPersistedResult(t.from.get("data"), true);
        if (keepsResult && !toFinal) {
            t.reject(null, "Run is already COMPLETED.");
            return;
        }
        if (keepsResult && t.toType.equals(COMPLETED) && !hasPersistedResult(t.state.get("data"), false)) {
            t.reject(null, "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.");
            return;
        }
        if (t.toType.equals(SCHEDULED) && missing(t.run, "deployment_id")) {
            t.abort("Cannot reschedule a run without an associated deployment.");
            return;
        }
        if (!toFinal) {
            t.policyIfUnchanged.put("resuming", JsonValue.FALSE);
            t.policyIfUnchanged.put("pause_keys", JsonValue.EMPTY_JSON_ARRAY);
            t.policyIfUnchanged.put("retry_type", t.toType.equals(SCHEDULED) ? Json.createValue("reschedule") : JsonValue.NULL);
        }
    }

    /** The part of the terminal-state rule that holds even for forced proposals (Prefect's PreventResultDataLoss). */
    private static void preventResultDataLoss(Transition t) {
        if (!t.open() || !terminal(t.fromType) || !terminal(t.toType)) return;
        if (t.fromType.equals(COMPLETED) && t.toType.equals(COMPLETED) && hasPersistedResult(t.from.get("data"), true)
                && !hasPersistedResult(t.state.get("data"), false)) {
            t.reject(null, "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.");
        }
    }

    private static void enforceCancellingToCancelledTransition(Transition t) {
        if (!t.open() || !CANCELLING.equals(t.fromType) || t.toType.equals(CANCELLED)) return;
        String reason = "Cannot transition flows that are cancelling to a state other than Cancelled.";
        if (RunJson.TERMINAL.contains(t.toType) && missing(t.run, "infrastructure_pid") && missing(t.run, "deployment_id")) {
            t.reject(t.newState(CANCELLED, null, Json.createValue("Flow run was cancelled."), JsonValue.NULL,
                    JsonValue.EMPTY_JSON_OBJECT), reason);
        } else {
            t.reject(null, reason);
        }
    }

    private static void bypassCancellingFlowRunsWithNoInfra(Transition t) {
        if (!t.open() || !t.toType.equals(CANCELLING) || !(SCHEDULED.equals(t.fromType) || PAUSED.equals(t.fromType))) {
            return;
        }
        if (SCHEDULED.equals(t.fromType) && missing(t.run, "infrastructure_pid") || "Resuming".equals(t.from.getString("name"))) {
            t.reject(t.newState(CANCELLED, null, JsonValue.NULL, JsonValue.NULL, JsonValue.EMPTY_JSON_OBJECT),
                    "Scheduled flow run has no infrastructure to terminate.");
        } else if (PAUSED.equals(t.fromType) && t.fromDetails().get("pause_reschedule") == JsonValue.TRUE) {
            t.reject(t.newState(CANCELLED, null, JsonValue.NULL, JsonValue.NULL, JsonValue.EMPTY_JSON_OBJECT),
                    "Suspended flow run has no infrastructure to terminate.");
        }
    }

    private static void preventPendingTransitions(Transition t) {
        if (!t.open() || t.from == null || !t.toType.equals(PENDING) || !NO_RETURN_TO_PENDING.contains(t.fromType)) return;
        String name = t.state.getString("name");
        if (t.fromType.equals(PENDING) && !name.equals(t.from.getString("name")) && !name.equals("Pending")) {
            // a named sub-state (Submitting, InfrastructurePending) keeps what earlier rules put on the first one
            JsonObject details = Json.createObjectBuilder(t.details())
                    .add("scheduled_time", t.fromDetails().getOrDefault("scheduled_time", JsonValue.NULL))
                    .add("deployment_concurrency_lease_id",
                            t.fromDetails().getOrDefault("deployment_concurrency_lease_id", JsonValue.NULL))
                    .build();
            t.state = Json.createObjectBuilder(t.state).add("state_details", details).build();
            return;
        }
        t.abort("This run is in a " + t.fromType + " state and cannot transition to a PENDING state.");
    }

    /** PENDING to RUNNING keeps the deployment slot's lease id, so the run's end can give the slot back. */
    private static void copyDeploymentLease(Transition t) {
        // the slot stays with the run from PENDING through RUNNING and CANCELLING: a state proposed without the
        // lease (a CANCELLING the UI or CLI sends) must keep it, or its end could not give the slot back
        if (!t.open() || t.fromType == null || !NO_SLOT_FROM.contains(t.fromType) || !NO_SLOT_FROM.contains(t.toType)) return;
        if (t.details().getOrDefault("deployment_concurrency_lease_id", JsonValue.NULL) != JsonValue.NULL) return;
        JsonValue lease = t.fromDetails().getOrDefault("deployment_concurrency_lease_id", JsonValue.NULL);
        if (lease == JsonValue.NULL) return;
        t.state = Json.createObjectBuilder(t.state).add("state_details",
                Json.createObjectBuilder(t.details()).add("deployment_concurrency_lease_id", lease)).build();
    }

    /**
     * SecureFlowConcurrencySlots: a run of a deployment with a concurrency limit takes a slot (under a lease) when it
     * enters PENDING from anything but PENDING, RUNNING or CANCELLING; with none free, ENQUEUE (the default) answers
     * SCHEDULED "AwaitingConcurrencySlot" for a while later and CANCEL_NEW a CANCELLED state; a limit of 0 aborts.
     */
    private static void secureFlowConcurrencySlots(Transition t, DeploymentSlots slots) {
        if (!t.open() || !t.toType.equals(PENDING) || t.fromType != null && NO_SLOT_FROM.contains(t.fromType)) return;
        if (!(t.run.get("deployment_id") instanceof JsonString deployment)) return;
        DeploymentSlots.Answer answer = slots.secure(UUID.fromString(deployment.getString()));
        if (answer.abortReason() != null) {
            t.abort(answer.abortReason());
        } else if (answer.leaseId() != null) {
            t.state = Json.createObjectBuilder(t.state).add("state_details", Json.createObjectBuilder(t.details())
                    .add("deployment_concurrency_lease_id", answer.leaseId().toString())).build();
        } else if ("CANCEL_NEW".equals(answer.collisionStrategy())) {
            t.reject(t.newState(CANCELLED, null, Json.createValue("Deployment concurrency limit reached."), JsonValue.NULL,
                    JsonValue.EMPTY_JSON_OBJECT), "Deployment concurrency limit reached.");
        } else if ("ENQUEUE".equals(answer.collisionStrategy())) {
            Instant retry = t.now.plusMillis(Math.round(slots.slotWaitSeconds() * 1000));
            t.reject(t.newState(SCHEDULED, "AwaitingConcurrencySlot", JsonValue.NULL, JsonValue.NULL,
                    Json.createObjectBuilder().add("scheduled_time", retry.toString()).build()),
                    "Deployment concurrency limit reached.");
        }
    }

    /** States whose runs already hold their slot (or never need one again). */
    private static final Set<String> NO_SLOT_FROM = Set.of(PENDING, RUNNING, CANCELLING);

    /**
     * ReleaseFlowConcurrencySlots: the lease a run's state held, when the run leaves PENDING, RUNNING or CANCELLING
     * for anything else; null when there is nothing to give back.
     */
    static UUID slotToRelease(JsonObject from, JsonObject to) {
        if (from == null || to == null || !NO_SLOT_FROM.contains(from.getString("type"))
                || NO_SLOT_FROM.contains(to.getString("type"))) {
            return null;
        }
        return from.getJsonObject("state_details").get("deployment_concurrency_lease_id") instanceof JsonString s
                ? UUID.fromString(s.getString()) : null;
    }

    private static void ensureOnlyScheduledFlowsMarkedLate(Transition t) {
        if (!t.open() || t.from == null || !t.toType.equals(SCHEDULED) || !"Late".equals(t.state.getString("name"))) return;
        if (!SCHEDULED.equals(t.fromType)) {
            t.reject(null, "Only scheduled flows can be marked late.");
        } else if ("Late".equals(t.from.getString("name"))) {
            t.reject(null, "This flow run is already marked late.");
        }
    }

    private static void handlePausingFlows(Transition t) {
        if (!t.open() || !t.toType.equals(PAUSED)) return;
        String verb = "Suspended".equals(t.state.getString("name")) ? "suspend" : "pause";
        if (t.from == null) {
            t.abort("Cannot " + verb + " flows with no state.");
            return;
        }
        if (!RUNNING.equals(t.fromType)) {
            t.reject(null, "Cannot " + verb + " flows that are not currently running.");
            return;
        }
        String key = text(t.details(), "pause_key");
        if (key == null) key = UUID.randomUUID().toString();
        JsonArray keys = pauseKeys(t.run);
        if (keys.contains(Json.createValue(key))) {
            t.reject(null, "This " + verb + " has already fired.");
            return;
        }
        if (t.details().get("pause_reschedule") == JsonValue.TRUE) {
            if (!missing(t.run, "parent_task_run_id")) {
                t.abort("Cannot " + verb + " subflows.");
                return;
            }
            if (missing(t.run, "deployment_id")) {
                t.abort("Cannot " + verb + " flows without a deployment.");
                return;
            }
        }
        t.policyAfter.put("pause_keys", Json.createArrayBuilder(keys).add(key).build());
    }

    private static void handleResumingPausedFlows(Transition t) {
        if (!t.open() || !PAUSED.equals(t.fromType)) return;
        String to = t.toType;
        if (!(to.equals(RUNNING) || to.equals(SCHEDULED) || to.equals(CANCELLING) || RunJson.TERMINAL.contains(to))) {
            t.reject(null, "This run cannot transition to the StateType." + to + " state from the StateType."
                    + t.fromType + " state.");
            return;
        }
        String verb = "Suspended".equals(t.state.getString("name")) ? "suspend" : "pause";
        String shown = t.state.getString("name").toLowerCase();
        boolean reschedule = t.fromDetails().get("pause_reschedule") == JsonValue.TRUE;
        if (reschedule && missing(t.run, "deployment_id")) {
            t.reject(null, "Cannot reschedule a " + shown + " flow run without a deployment.");
            return;
        }
        Instant timeout = RunJson.instant(t.fromDetails(), "pause_timeout");
        if (!to.equals(CANCELLING) && timeout != null && timeout.isBefore(t.now)) {
            t.reject(t.newState(FAILED, null, Json.createValue("The flow was " + shown + " and never resumed."),
                    JsonValue.NULL, JsonValue.EMPTY_JSON_OBJECT), "The flow run " + verb + " has timed out and can no longer resume.");
        }
        if (!reschedule && SCHEDULED.equals(t.state.getString("type"))) {
            // a blocking pause left for a new attempt (the process was rescheduled): its pauses fire again
            t.policyAfter.put("resuming", JsonValue.FALSE);
            t.policyAfter.put("pause_keys", JsonValue.EMPTY_JSON_ARRAY);
            t.policyAfter.put("retry_type", Json.createValue("reschedule"));
        } else {
            t.policyAfter.put("resuming", JsonValue.TRUE);
        }
    }

    /** CopyScheduledTime, for flow and task runs. */
    static void copyScheduledTime(Transition t) {
        if (!t.open() || !SCHEDULED.equals(t.fromType) || !t.toType.equals(PENDING)) return;
        if (!missing(t.details(), "scheduled_time")) return;
        JsonObject details = Json.createObjectBuilder(t.details())
                .add("scheduled_time", t.fromDetails().getOrDefault("scheduled_time", JsonValue.NULL)).build();
        t.state = Json.createObjectBuilder(t.state).add("state_details", details).build();
    }

    /** WaitForScheduledTime, for flow and task runs: whole seconds, rounded as Prefect rounds them. */
    static void waitForScheduledTime(Transition t) {
        if (!t.open() || !(SCHEDULED.equals(t.fromType) || PENDING.equals(t.fromType)) || !t.toType.equals(RUNNING)) return;
        Instant scheduled = RunJson.instant(t.fromDetails(), "scheduled_time");
        if (scheduled == null) return;
        Duration ahead = Duration.between(t.now, scheduled);
        long seconds = ahead.getSeconds() + (ahead.getNano() > 500_000_000 ? 1 : 0);
        if (seconds > 0) t.delay(seconds, "Scheduled time is in the future");
    }

    private static void retryFailedFlows(Transition t) {
        if (!t.open() || !RUNNING.equals(t.fromType) || !t.toType.equals(FAILED)) return;
        JsonObject policy = policy(t.run);
        if (!(policy.get("retries") instanceof JsonNumber retries) || t.run.getInt("run_count", 0) > retries.intValue()) {
            // a later retry from outside (the UI, a worker) starts afresh
            t.policyIfUnchanged.put("retry_type", JsonValue.NULL);
            return;
        }
        double delay = policy.get("retry_delay") instanceof JsonNumber d ? d.doubleValue() : 0;
        t.policy.put("resuming", JsonValue.FALSE);
        t.policy.put("pause_keys", JsonValue.EMPTY_JSON_ARRAY);
        t.policy.put("retry_type", Json.createValue("in_process"));
        t.reject(awaitingRetry(t, delay), "Retrying");
    }

    /** Prefect's AwaitingRetry: SCHEDULED after the delay, with the failed proposal's message and result. */
    static JsonObject awaitingRetry(Transition t, double delaySeconds) {
        JsonObject details = Json.createObjectBuilder()
                .add("scheduled_time", RunJson.plusSeconds(t.now, delaySeconds).toString()).build();
        return t.newState(SCHEDULED, "AwaitingRetry", t.state.getOrDefault("message", JsonValue.NULL),
                t.state.getOrDefault("data", JsonValue.NULL), details);
    }

    /** Prefect's check for a result kept in storage (a result record's metadata), as opposed to none or unpersisted. */
    static boolean hasPersistedResult(JsonValue data, boolean nonEmpty) {
        return data instanceof JsonObject o && !(nonEmpty && o.isEmpty()) && !"unpersisted".equals(text(o, "type"));
    }

    /**
     * The run document after an accepted state: current state fields, run count (entering RUNNING), start and end
     * times, total run time (time spent RUNNING) and the estimates derived from them.
     */
    static JsonObject applyTiming(JsonObject run, JsonObject from, JsonObject to, Instant now) {
        return timing(run, from, to, now, true, null);
    }

    /**
     * @param counts whether entering RUNNING counts as a run (not for a flow run resuming from a pause)
     * @param policy the run's new empirical_policy, or null to keep it (one copy of the document, not two)
     */
    private static JsonObject timing(JsonObject run, JsonObject from, JsonObject to, Instant now, boolean counts,
                                     JsonObject policy) {
        Instant at = RunJson.instant(to, "timestamp");
        int runCount = run.getInt("run_count", 0);
        Instant start = RunJson.instant(run, "start_time");
        Instant end = RunJson.instant(run, "end_time");
        double total = FlowRunService.number(run, "total_run_time");
        if (from != null && RUNNING.equals(from.getString("type"))) {
            total += RunJson.seconds(RunJson.instant(from, "timestamp"), at);
        }
        String type = to.getString("type");
        if (type.equals(RUNNING)) {
            if (counts) runCount++;
            if (start == null) start = at;
        }
        if (RunJson.TERMINAL.contains(type)) end = at;
        Instant expected = RunJson.instant(run, "expected_start_time");
        if (type.equals(SCHEDULED)) {
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
                .add("start_time", Json.orNull(start))
                .add("end_time", Json.orNull(end))
                .add("total_run_time", total)
                .add("estimated_run_time", total)
                .add("expected_start_time", Json.orNull(expected))
                // Prefect's SetNextScheduledStartTime: the time of the SCHEDULED state the run is in, else none
                .add("next_scheduled_start_time", type.equals(SCHEDULED)
                        ? Json.orNull(RunJson.instant(to.getJsonObject("state_details"), "scheduled_time")) : JsonValue.NULL);
        if (start != null && expected != null) {
            b.add("estimated_start_time_delta", Math.max(0, RunJson.seconds(expected, start)));
        }
        if (policy != null) b.add("empirical_policy", policy);
        return b.build();
    }

    /** Whether a state type is final; null (a run without a state) is not. */
    static boolean terminal(String type) {
        return type != null && RunJson.TERMINAL.contains(type);
    }

    /** A field absent or null (documents written before a field existed lack it). */
    static boolean missing(JsonObject o, String key) {
        return o.getOrDefault(key, JsonValue.NULL) == JsonValue.NULL;
    }

    static JsonObject policy(JsonObject run) {
        return run.get("empirical_policy") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static JsonArray pauseKeys(JsonObject run) {
        JsonArrayBuilder keys = Json.createArrayBuilder();
        if (policy(run).get("pause_keys") instanceof JsonArray a) {
            a.stream().filter(JsonString.class::isInstance).forEach(keys::add);
        }
        return keys.build();
    }

    static String text(JsonObject o, String key) {
        if (o == null) return null;
        JsonValue v = o.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }

    private static UUID uuid(JsonObject o, String key) {
        String s = text(o, key);
        return s == null ? null : UUID.fromString(s);
    }
}
