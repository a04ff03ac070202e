package dev.steward.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.orchestration.FlowRunRules.Decision;
import dev.steward.orchestration.FlowRunRules.Status;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Prefect's task-run rules as {@link TaskRunRules} decides them, with the flow run and the cache given in memory. */
class TaskRunRulesTest {
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final UUID FLOW_RUN = UUID.randomUUID();
    static final UUID TASK_RUN = UUID.randomUUID();

    /** Lookups over a map and a flow-run state; records what was asked, to show queries are made only when needed. */
    static final class Fake implements TaskRunRules.Lookups {
        final Map<String, JsonObject> cache = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        JsonObject flowRunState = state("{\"type\":\"RUNNING\"}");
        int flowRunCount = 1;

        @Override
        public JsonObject cachedState(String cacheKey, Instant now) {
            asked.add("cache");
            return cache.get(cacheKey);
        }

        @Override
        public TaskRunRules.FlowRunView flowRun() {
            asked.add("flow run");
            return new TaskRunRules.FlowRunView(FLOW_RUN, flowRunCount, flowRunState);
        }
    }

    static JsonObject state(String json) {
        return RunJson.newState(Body.parse(json), "state", FLOW_RUN, TASK_RUN, NOW.minusSeconds(5));
    }

    static JsonObject run(JsonObject current, String... fields) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", TASK_RUN.toString()).add("flow_run_id", FLOW_RUN.toString()).add("run_count", 1)
                .add("flow_run_run_count", 1).add("total_run_time", 0.0).add("empirical_policy", Json.createObjectBuilder())
                .add("state", current);
        Json.parseObject("{" + String.join(",", fields) + "}").forEach(b::add);
        return b.build();
    }

    static Decision decide(Fake lookups, JsonObject current, String proposed, String... runFields) {
        JsonObject p = RunJson.newState(Body.parse(proposed), "state", FLOW_RUN, TASK_RUN, NOW);
        return TaskRunRules.decide(current, p, false, NOW, run(current, runFields), lookups);
    }

    @Test
    void runningWithACachedKeyGetsTheCachedState() {
        Fake lookups = new Fake();
        JsonObject original = RunJson.newState(Body.parse("{\"type\":\"COMPLETED\",\"data\":{\"storage_key\":\"s\"},"
                + "\"state_details\":{\"cache_key\":\"k\"}}"), "state", UUID.randomUUID(), UUID.randomUUID(), NOW.minusSeconds(60));
        lookups.cache.put("k", original);
        Decision d = decide(lookups, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"k\"}}");
        assertEquals(Status.REJECT, d.status());
        assertEquals("Retrieved state from cache", d.reason());
        assertEquals("COMPLETED", d.state().getString("type"));
        assertEquals("Cached", d.state().getString("name"));
        assertEquals(original.get("data"), d.state().get("data"));
        assertEquals(NOW.toString(), d.state().getString("timestamp"));
        assertTrue(!d.state().getString("id").equals(original.getString("id")), "a fresh copy");
        assertEquals(TASK_RUN.toString(), d.state().getJsonObject("state_details").getString("task_run_id"));
        assertFalse(d.cache(), "a cached state is not cached again");
        assertEquals(List.of("cache"), lookups.asked, "the chain ends there: no flow-run lookup");

        Fake empty = new Fake();
        assertEquals(Status.ACCEPT, decide(empty, state("{\"type\":\"PENDING\"}"),
                "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"other\"}}").status());
        Fake refresh = new Fake();
        refresh.cache.put("k", original);
        assertEquals(Status.ACCEPT, decide(refresh, state("{\"type\":\"PENDING\"}"),
                "{\"type\":\"RUNNING\",\"state_details\":{\"cache_key\":\"k\",\"refresh_cache\":true}}").status());
        assertFalse(refresh.asked.contains("cache"));
    }

    @Test
    void completedStateWithAKeyIsCached() {
        Fake lookups = new Fake();
        Decision d = decide(lookups, state("{\"type\":\"RUNNING\"}"), "{\"type\":\"COMPLETED\",\"state_details\":{\"cache_key\":\"k\"}}");
        assertEquals(Status.ACCEPT, d.status());
        assertTrue(d.cache());
        assertEquals(List.of(), lookups.asked, "no query for a proposal that needs none");
        assertFalse(decide(lookups, state("{\"type\":\"RUNNING\"}"), "{\"type\":\"COMPLETED\"}").cache());
        Decision tooLong = decide(lookups, state("{\"type\":\"RUNNING\"}"),
                "{\"type\":\"COMPLETED\",\"state_details\":{\"cache_key\":\"" + "x".repeat(2001) + "\"}}");
        assertEquals(Status.REJECT, tooLong.status());
        assertEquals("Cache key exceeded maximum allowed length of 2000 characters.", tooLong.reason());
        assertEquals("COMPLETED", tooLong.state().getString("type"), "the state is still written");
        assertFalse(tooLong.cache());
    }

    @Test
    void failedTaskWithRetriesLeftAwaitsRetry() {
        Fake lookups = new Fake();
        JsonObject running = state("{\"type\":\"RUNNING\"}");
        Decision d = decide(lookups, running, "{\"type\":\"FAILED\",\"message\":\"boom\"}",
                "\"empirical_policy\":{\"retries\":2,\"retry_delay\":[5,30]}");
        assertEquals(Status.REJECT, d.status());
        assertEquals("Retrying", d.reason());
        assertEquals("AwaitingRetry", d.state().getString("name"));
        assertEquals("boom", d.state().getString("message"));
        assertEquals(NOW.plusSeconds(5).toString(), d.state().getJsonObject("state_details").getString("scheduled_time"));
        Decision second = decide(lookups, running, "{\"type\":\"FAILED\"}", "\"run_count\":2",
                "\"empirical_policy\":{\"retries\":2,\"retry_delay\":[5,30]}");
        assertEquals(NOW.plusSeconds(30).toString(), second.state().getJsonObject("state_details").getString("scheduled_time"));
        assertEquals(Status.ACCEPT, decide(lookups, running, "{\"type\":\"FAILED\"}", "\"run_count\":3",
                "\"empirical_policy\":{\"retries\":2}").status(), "retries used up");
        assertEquals(Status.ACCEPT, decide(lookups, running, "{\"type\":\"FAILED\",\"state_details\":{\"retriable\":false}}",
                "\"empirical_policy\":{\"retries\":2}").status(), "a retry condition said no");
        assertEquals(Status.ACCEPT, decide(lookups, running, "{\"type\":\"FAILED\"}").status(), "no retries");
        for (int i = 0; i < 100; i++) {
            double jittered = TaskRunRules.clampedPoissonInterval(10, 0.5);
            assertTrue(jittered >= 0 && jittered <= 15.0000001, "at most 1.5 times the delay: " + jittered);
        }
    }

    @Test
    void rerunsAndRetriesAreRenamed() {
        Fake lookups = new Fake();
        assertEquals("Retrying", decide(lookups, state("{\"type\":\"SCHEDULED\",\"name\":\"AwaitingRetry\"}"),
                "{\"type\":\"RUNNING\"}").state().getString("name"));
        assertEquals("Rerunning", decide(lookups, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\"}")
                .state().getString("name"));
        Decision first = decide(lookups, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\"}", "\"run_count\":0",
                "\"flow_run_run_count\":0");
        assertEquals("Running", first.state().getString("name"));
        assertEquals(1, first.run().getInt("run_count"));
        assertEquals(1, first.run().getInt("flow_run_run_count"), "the flow run's attempt is recorded");
    }

    @Test
    void runningNeedsARunningFlowRun() {
        Fake paused = new Fake();
        String timeout = NOW.plusSeconds(30).toString();
        paused.flowRunState = state("{\"type\":\"PAUSED\",\"state_details\":{\"pause_timeout\":\"" + timeout + "\"}}");
        Decision d = decide(paused, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\"}");
        assertEquals(Status.REJECT, d.status());
        assertEquals("The flow is paused, new tasks can execute after resuming flow run: " + FLOW_RUN + ".", d.reason());
        assertEquals("PAUSED", d.state().getString("type"));
        assertEquals("NotReady", d.state().getString("name"));
        assertEquals(timeout, d.state().getJsonObject("state_details").getString("pause_timeout"));
        assertEquals(1, paused.asked.size(), "the flow run is read once");

        for (String type : List.of("COMPLETED", "CANCELLING", "PENDING")) {
            Fake stopped = new Fake();
            stopped.flowRunState = state("{\"type\":\"" + type + "\"}");
            Decision abort = decide(stopped, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\"}");
            assertEquals(Status.ABORT, abort.status());
            assertEquals("The enclosing flow must be running to begin task execution.", abort.reason());
        }
        Fake none = new Fake();
        none.flowRunState = null;
        assertEquals(Status.ABORT, decide(none, state("{\"type\":\"PENDING\"}"), "{\"type\":\"RUNNING\"}").status());
        Fake any = new Fake();
        any.flowRunState = state("{\"type\":\"COMPLETED\"}");
        assertEquals(Status.ACCEPT, decide(any, state("{\"type\":\"RUNNING\"}"), "{\"type\":\"COMPLETED\"}").status());
        assertEquals(List.of(), any.asked, "only RUNNING looks at the flow run");
    }

    @Test
    void terminalTaskRuns() {
        Fake lookups = new Fake();
        JsonObject failed = state("{\"type\":\"FAILED\"}");
        for (String to : List.of("CANCELLING", "PAUSED", "CRASHED")) {
            Decision d = decide(lookups, failed, "{\"type\":\"" + to + "\"}");
            assertEquals(Status.ABORT, d.status());
            assertEquals("Run is already FAILED.", d.reason());
        }
        JsonObject withResult = state("{\"type\":\"COMPLETED\",\"data\":{\"storage_key\":\"s\"}}");
        Decision again = decide(lookups, withResult, "{\"type\":\"RUNNING\"}");
        assertEquals(Status.REJECT, again.status());
        assertEquals("This run is already completed.", again.reason());
        assertNull(again.state());
        // leaving a terminal state resets the run count, so the retries start over; a flow-run retry is "Retrying"
        lookups.flowRunCount = 2;
        Decision rerun = decide(lookups, failed, "{\"type\":\"RUNNING\"}", "\"run_count\":3");
        assertEquals(Status.ACCEPT, rerun.status());
        assertEquals("Retrying", rerun.state().getString("name"));
        assertEquals(1, rerun.run().getInt("run_count"));
        assertEquals(2, rerun.run().getInt("flow_run_run_count"));
        assertEquals(Status.ACCEPT, decide(lookups, failed, "{\"type\":\"COMPLETED\"}").status());
        // forced proposals apply no rule
        JsonObject p = RunJson.newState(Body.parse("{\"type\":\"CRASHED\"}"), "state", FLOW_RUN, TASK_RUN, NOW);
        assertEquals(Status.ACCEPT, TaskRunRules.decide(failed, p, true, NOW, run(failed), lookups).status());
    }

    @Test
    void scheduledTimeRulesApplyToTaskRunsToo() {
        Fake lookups = new Fake();
        JsonObject scheduled = state("{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\"" + NOW.plusSeconds(10) + "\"}}");
        Decision d = decide(lookups, scheduled, "{\"type\":\"RUNNING\"}");
        assertEquals(Status.WAIT, d.status());
        assertEquals(10, d.delaySeconds());
        assertEquals(NOW.plusSeconds(10).toString(), decide(lookups, scheduled, "{\"type\":\"PENDING\"}")
                .state().getJsonObject("state_details").getString("scheduled_time"));
        // and task runs have no duplicate-transition or back-to-PENDING rule
        assertEquals(Status.ACCEPT, decide(lookups, state("{\"type\":\"RUNNING\"}"), "{\"type\":\"PENDING\"}").status());
    }
}
