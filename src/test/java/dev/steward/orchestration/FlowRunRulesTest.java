package dev.steward.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.orchestration.FlowRunRules.Decision;
import dev.steward.orchestration.FlowRunRules.Status;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Prefect's flow-run rules as {@link FlowRunRules} decides them, one rule at a time. */
class FlowRunRulesTest {
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final UUID RUN = UUID.randomUUID();

    static JsonObject state(String json) {
        return RunJson.newState(Body.parse(json), "state", RUN, null, NOW.minusSeconds(5));
    }

    static JsonObject proposal(String json) {
        return RunJson.newState(Body.parse(json), "state", RUN, null, NOW);
    }

    /** A run document like FlowRunService.create makes, in the given state, with fields replaced. */
    static JsonObject run(JsonObject current, String... fields) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", RUN.toString()).add("run_count", 1).add("deployment_id", JsonValue.NULL)
                .add("infrastructure_pid", JsonValue.NULL).add("parent_task_run_id", JsonValue.NULL)
                .add("total_run_time", 0.0).add("start_time", JsonValue.NULL).add("end_time", JsonValue.NULL)
                .add("expected_start_time", NOW.toString())
                .add("empirical_policy", Json.createObjectBuilder().add("retries", 0).add("retry_delay", 0)
                        .add("pause_keys", JsonValue.EMPTY_JSON_ARRAY).add("resuming", false).add("retry_type", JsonValue.NULL))
                .add("state", current == null ? JsonValue.NULL : current);
        JsonObject extra = Json.parseObject("{" + String.join(",", fields) + "}");
        extra.forEach(b::add);
        return b.build();
    }

    static Decision decide(JsonObject current, String proposed, String... runFields) {
        return FlowRunRules.decide(current, proposal(proposed), false, NOW, run(current, runFields));
    }

    static void assertAnswer(Decision d, Status status, String reason) {
        assertEquals(status, d.status());
        assertEquals(reason, d.reason());
    }

    @Test
    void duplicateTransitionIsRejected() {
        String id = UUID.randomUUID().toString();
        JsonObject running = state("{\"type\":\"RUNNING\",\"state_details\":{\"transition_id\":\"" + id + "\"}}");
        Decision d = decide(running, "{\"type\":\"RUNNING\",\"state_details\":{\"transition_id\":\"" + id + "\"}}");
        assertAnswer(d, Status.REJECT, "This run has already made this state transition.");
        assertNull(d.state());
        assertEquals(running, d.result(running).get("state"), "the answer shows the current state");
    }

    @Test
    void terminalRunsFollowPrefectsTerminalRule() {
        JsonObject completed = state("{\"type\":\"COMPLETED\"}");
        assertAnswer(decide(completed, "{\"type\":\"CANCELLING\"}"), Status.ABORT, "Run is already in terminal state COMPLETED.");
        assertAnswer(decide(state("{\"type\":\"FAILED\"}"), "{\"type\":\"CRASHED\"}"), Status.ABORT,
                "Run is already in terminal state FAILED.");
        assertAnswer(decide(completed, "{\"type\":\"SCHEDULED\"}"), Status.ABORT,
                "Cannot reschedule a run without an associated deployment.");
        // a re-run of a run without a persisted result is allowed, and pauses fire again
        Decision rerun = decide(completed, "{\"type\":\"RUNNING\"}", "\"empirical_policy\":{\"pause_keys\":[\"1\"],\"resuming\":true}");
        assertEquals(Status.ACCEPT, rerun.status());
        assertEquals(0, rerun.run().getJsonObject("empirical_policy").getJsonArray("pause_keys").size());
        assertEquals(2, rerun.run().getInt("run_count"));
        JsonObject withResult = state("{\"type\":\"COMPLETED\",\"data\":{\"storage_key\":\"k\",\"serializer\":{\"type\":\"pickle\"}}}");
        assertAnswer(decide(withResult, "{\"type\":\"RUNNING\"}"), Status.REJECT, "Run is already COMPLETED.");
        assertAnswer(decide(withResult, "{\"type\":\"COMPLETED\"}"), Status.REJECT,
                "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.");
        assertEquals(Status.ACCEPT, decide(withResult, "{\"type\":\"FAILED\"}").status());
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"COMPLETED\",\"data\":{\"type\":\"unpersisted\"}}"),
                "{\"type\":\"RUNNING\"}").status());
        // forced proposals skip the rules but not the result-data guard
        assertEquals(Status.ACCEPT, FlowRunRules.decide(completed, proposal("{\"type\":\"CRASHED\"}"), true, NOW, run(completed)).status());
        assertEquals(Status.REJECT, FlowRunRules.decide(withResult, proposal("{\"type\":\"COMPLETED\"}"), true, NOW, run(withResult)).status());
    }

    @Test
    void cancellingRunTakesOnlyCancelled() {
        JsonObject cancelling = state("{\"type\":\"CANCELLING\"}");
        String reason = "Cannot transition flows that are cancelling to a state other than Cancelled.";
        Decision withInfra = decide(cancelling, "{\"type\":\"COMPLETED\"}", "\"infrastructure_pid\":\"42\"");
        assertAnswer(withInfra, Status.REJECT, reason);
        assertNull(withInfra.state(), "the infrastructure's owner will cancel it: the current state is the answer");
        assertAnswer(decide(cancelling, "{\"type\":\"RUNNING\"}"), Status.REJECT, reason);
        assertNull(decide(cancelling, "{\"type\":\"RUNNING\"}").state());
        // a process without infrastructure that reports its end is the end of the run: Cancelled is written
        Decision finished = decide(cancelling, "{\"type\":\"COMPLETED\"}");
        assertAnswer(finished, Status.REJECT, reason);
        assertEquals("CANCELLED", finished.state().getString("type"));
        assertEquals("Cancelled", finished.state().getString("name"));
        assertNotNull(finished.run().getString("end_time"));
        assertEquals(Status.ACCEPT, decide(cancelling, "{\"type\":\"CANCELLED\"}").status());
        // RUNNING to CANCELLING is accepted: that is what `prefect flow-run cancel` proposes
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"RUNNING\"}"), "{\"type\":\"CANCELLING\"}").status());
    }

    @Test
    void cancellingWithoutInfrastructureBypassesToCancelled() {
        Decision scheduled = decide(state("{\"type\":\"SCHEDULED\"}"), "{\"type\":\"CANCELLING\"}");
        assertAnswer(scheduled, Status.REJECT, "Scheduled flow run has no infrastructure to terminate.");
        assertEquals("CANCELLED", scheduled.state().getString("type"));
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"SCHEDULED\"}"), "{\"type\":\"CANCELLING\"}",
                "\"infrastructure_pid\":\"7\"").status());
        assertEquals(Status.REJECT, decide(state("{\"type\":\"SCHEDULED\",\"name\":\"Resuming\"}"), "{\"type\":\"CANCELLING\"}",
                "\"infrastructure_pid\":\"7\"").status());
        Decision suspended = decide(state("{\"type\":\"PAUSED\",\"name\":\"Suspended\",\"state_details\":{\"pause_reschedule\":true}}"),
                "{\"type\":\"CANCELLING\"}", "\"deployment_id\":\"" + UUID.randomUUID() + "\"");
        assertAnswer(suspended, Status.REJECT, "Suspended flow run has no infrastructure to terminate.");
        assertEquals("CANCELLED", suspended.state().getString("type"));
        // a blocking pause keeps its process: cancelling it is accepted
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"PAUSED\"}"), "{\"type\":\"CANCELLING\"}").status());
        // MinimalFlowPolicy keeps the bypass for forced proposals
        JsonObject sched = state("{\"type\":\"SCHEDULED\"}");
        assertEquals(Status.REJECT, FlowRunRules.decide(sched, proposal("{\"type\":\"CANCELLING\"}"), true, NOW, run(sched)).status());
    }

    @Test
    void pendingOnlyFromScheduledOrARenamedPending() {
        for (String from : List.of("RUNNING", "CANCELLED", "PENDING")) {
            assertAnswer(decide(state("{\"type\":\"" + from + "\"}"), "{\"type\":\"PENDING\"}"), Status.ABORT,
                    "This run is in a " + from + " state and cannot transition to a PENDING state.");
        }
        assertEquals(Status.REJECT, decide(state("{\"type\":\"CANCELLING\"}"), "{\"type\":\"PENDING\"}").status(),
                "the cancelling rule comes first");
        String at = NOW.plusSeconds(60).toString();
        Decision submitting = decide(state("{\"type\":\"PENDING\",\"state_details\":{\"scheduled_time\":\"" + at + "\"}}"),
                "{\"type\":\"PENDING\",\"name\":\"Submitting\"}");
        assertEquals(Status.ACCEPT, submitting.status());
        assertEquals(at, submitting.state().getJsonObject("state_details").getString("scheduled_time"));
    }

    @Test
    void scheduledTimeIsCopiedAndWaitedFor() {
        String at = NOW.plusMillis(2600).toString();
        JsonObject scheduled = state("{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\"" + at + "\"}}");
        Decision pending = decide(scheduled, "{\"type\":\"PENDING\"}");
        assertEquals(Status.ACCEPT, pending.status(), "PENDING before the time is not held back");
        assertEquals(at, pending.state().getJsonObject("state_details").getString("scheduled_time"));
        String own = NOW.toString();
        assertEquals(own, decide(scheduled, "{\"type\":\"PENDING\",\"state_details\":{\"scheduled_time\":\"" + own + "\"}}")
                .state().getJsonObject("state_details").getString("scheduled_time"), "a proposal's own time wins");
        Decision early = decide(scheduled, "{\"type\":\"RUNNING\"}");
        assertAnswer(early, Status.WAIT, "Scheduled time is in the future");
        assertEquals(3, early.delaySeconds());
        assertEquals(3, early.result(null).getJsonObject("details").getInt("delay_seconds"));
        JsonObject pendingState = state("{\"type\":\"PENDING\",\"state_details\":{\"scheduled_time\":\"" + NOW.plusMillis(2400) + "\"}}");
        assertEquals(2, decide(pendingState, "{\"type\":\"RUNNING\"}").delaySeconds());
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\""
                + NOW.plusMillis(400) + "\"}}"), "{\"type\":\"RUNNING\"}").status(), "under half a second rounds to no wait");
    }

    @Test
    void failedRunWithRetriesLeftIsScheduledAgain() {
        JsonObject running = state("{\"type\":\"RUNNING\"}");
        Decision retry = decide(running, "{\"type\":\"FAILED\",\"message\":\"boom\"}",
                "\"empirical_policy\":{\"retries\":1,\"retry_delay\":10,\"pause_keys\":[\"1\"],\"resuming\":false}");
        assertAnswer(retry, Status.REJECT, "Retrying");
        assertEquals("SCHEDULED", retry.state().getString("type"));
        assertEquals("AwaitingRetry", retry.state().getString("name"));
        assertEquals("boom", retry.state().getString("message"));
        assertEquals(NOW.plusSeconds(10).toString(), retry.state().getJsonObject("state_details").getString("scheduled_time"));
        JsonObject policy = retry.run().getJsonObject("empirical_policy");
        assertEquals("in_process", policy.getString("retry_type"));
        assertEquals(0, policy.getJsonArray("pause_keys").size());
        Decision out = decide(running, "{\"type\":\"FAILED\"}", "\"run_count\":2",
                "\"empirical_policy\":{\"retries\":1,\"retry_type\":\"in_process\"}");
        assertEquals(Status.ACCEPT, out.status(), "retries used up");
        assertEquals(JsonValue.NULL, out.run().getJsonObject("empirical_policy").get("retry_type"));
    }

    @Test
    void pausingNeedsARunningRunAndFiresOncePerKey() {
        JsonObject running = state("{\"type\":\"RUNNING\"}");
        Decision paused = decide(running, "{\"type\":\"PAUSED\",\"state_details\":{\"pause_key\":\"1\",\"pause_timeout\":\""
                + NOW.plusSeconds(60) + "\"}}");
        assertEquals(Status.ACCEPT, paused.status());
        assertEquals(List.of("1"), paused.run().getJsonObject("empirical_policy").getJsonArray("pause_keys")
                .getValuesAs(JsonString::getString));
        assertAnswer(decide(running, "{\"type\":\"PAUSED\",\"state_details\":{\"pause_key\":\"1\"}}",
                "\"empirical_policy\":{\"pause_keys\":[\"1\"]}"), Status.REJECT, "This pause has already fired.");
        assertAnswer(decide(state("{\"type\":\"PENDING\"}"), "{\"type\":\"PAUSED\"}"), Status.REJECT,
                "Cannot pause flows that are not currently running.");
        assertAnswer(decide(running, "{\"type\":\"PAUSED\",\"name\":\"Suspended\",\"state_details\":{\"pause_reschedule\":true}}"),
                Status.ABORT, "Cannot suspend flows without a deployment.");
        assertAnswer(decide(running, "{\"type\":\"PAUSED\",\"name\":\"Suspended\",\"state_details\":{\"pause_reschedule\":true}}",
                "\"parent_task_run_id\":\"" + UUID.randomUUID() + "\""), Status.ABORT, "Cannot suspend subflows.");
        Decision noKey = decide(running, "{\"type\":\"PAUSED\"}");
        assertEquals(1, noKey.run().getJsonObject("empirical_policy").getJsonArray("pause_keys").size(), "a random key");
    }

    @Test
    void resumingAPausedRun() {
        JsonObject paused = state("{\"type\":\"PAUSED\",\"state_details\":{\"pause_key\":\"1\",\"pause_timeout\":\""
                + NOW.plusSeconds(60) + "\"}}");
        Decision resumed = decide(paused, "{\"type\":\"RUNNING\"}", "\"empirical_policy\":{\"pause_keys\":[\"1\"]}");
        assertEquals(Status.ACCEPT, resumed.status());
        assertEquals(2, resumed.run().getInt("run_count"), "as in Prefect, resuming in process counts a run");
        JsonObject policy = resumed.run().getJsonObject("empirical_policy");
        assertTrue(policy.getBoolean("resuming"));
        assertEquals(1, policy.getJsonArray("pause_keys").size(), "the pause keeps its key: it does not fire again");
        // a run marked resuming enters RUNNING without counting, and stops resuming
        JsonObject scheduled = state("{\"type\":\"SCHEDULED\",\"name\":\"Resuming\"}");
        Decision again = decide(scheduled, "{\"type\":\"RUNNING\"}", "\"empirical_policy\":{\"resuming\":true}");
        assertEquals(1, again.run().getInt("run_count"));
        assertFalse(again.run().getJsonObject("empirical_policy").getBoolean("resuming"));

        assertAnswer(decide(paused, "{\"type\":\"PENDING\"}"), Status.REJECT,
                "This run cannot transition to the StateType.PENDING state from the StateType.PAUSED state.");
        JsonObject expired = state("{\"type\":\"PAUSED\",\"state_details\":{\"pause_timeout\":\"" + NOW.minusSeconds(1) + "\"}}");
        Decision late = decide(expired, "{\"type\":\"RUNNING\"}");
        assertAnswer(late, Status.REJECT, "The flow run pause has timed out and can no longer resume.");
        assertEquals("FAILED", late.state().getString("type"));
        assertEquals("The flow was running and never resumed.", late.state().getString("message"));
        assertEquals(Status.ACCEPT, decide(expired, "{\"type\":\"CANCELLING\"}").status(), "cancelling ignores the deadline");
        JsonObject suspended = state("{\"type\":\"PAUSED\",\"name\":\"Suspended\",\"state_details\":{\"pause_reschedule\":true}}");
        assertAnswer(decide(suspended, "{\"type\":\"SCHEDULED\",\"name\":\"Resuming\"}"), Status.REJECT,
                "Cannot reschedule a resuming flow run without a deployment.");
        // a blocking pause left for SCHEDULED is a new attempt: its pauses fire again
        Decision rescheduled = decide(paused, "{\"type\":\"SCHEDULED\"}", "\"empirical_policy\":{\"pause_keys\":[\"1\"]}");
        assertEquals(0, rescheduled.run().getJsonObject("empirical_policy").getJsonArray("pause_keys").size());
        assertEquals("reschedule", rescheduled.run().getJsonObject("empirical_policy").getString("retry_type"));
    }

    @Test
    void onlyScheduledRunsAreMarkedLate() {
        assertAnswer(decide(state("{\"type\":\"RUNNING\"}"), "{\"type\":\"SCHEDULED\",\"name\":\"Late\"}"), Status.REJECT,
                "Only scheduled flows can be marked late.");
        assertAnswer(decide(state("{\"type\":\"SCHEDULED\",\"name\":\"Late\"}"), "{\"type\":\"SCHEDULED\",\"name\":\"Late\"}"),
                Status.REJECT, "This flow run is already marked late.");
        assertEquals(Status.ACCEPT, decide(state("{\"type\":\"SCHEDULED\"}"), "{\"type\":\"SCHEDULED\",\"name\":\"Late\"}").status());
    }

    @Test
    void acceptedStateUpdatesTheRunsTiming() {
        JsonObject running = state("{\"type\":\"RUNNING\"}");
        Decision done = decide(running, "{\"type\":\"COMPLETED\"}", "\"start_time\":\"" + NOW.minusSeconds(5) + "\"");
        assertEquals(Status.ACCEPT, done.status());
        assertEquals("COMPLETED", done.run().getString("state_type"));
        assertEquals(5.0, done.run().getJsonNumber("total_run_time").doubleValue(), 1e-9);
        assertEquals(NOW.toString(), done.run().getString("end_time"));
        assertEquals(done.state(), done.run().getJsonObject("state"));
    }
}
