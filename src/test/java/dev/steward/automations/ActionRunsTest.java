package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.steward.events.IngestedEvents;
import dev.steward.platform.Json;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.event.Event;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Action runs on real PostgreSQL, through {@link ActionRuns} with an executor that queues what it is handed (run when
 * the test says) and an action that always succeeds: a run whose last attempt died is given up with its
 * {@code prefect.automation.action.failed} event, and a run handed over is not handed again while it waits (what
 * {@link ActionRuns#runSoon} is offered, by the evaluator or a sweep, is recorded).
 */
class ActionRunsTest {
    final List<Runnable> queued = new ArrayList<>();
    final List<IngestedEvents> published = new ArrayList<>();
    final List<UUID> offered = new ArrayList<>();
    final ActionRuns runs = actionRuns();
    final UUID ws = AutomationRows.workspace("ar");
    final UUID automation = AutomationRows.automation(ws, "hook", Instant.now());
    final UUID firing = AutomationRows.firing(ws, automation, Instant.now());

    @Test
    void aRunWhoseLastAttemptDiedIsGivenUpWithItsFailedEvent() {
        Instant past = Instant.now().minusSeconds(120);
        UUID dead = AutomationRows.actionRun(ws, automation, firing, "running", ActionRuns.MAX_ATTEMPTS, past,
                past.plus(ActionRuns.CLAIM), null, null);
        UUID alive = AutomationRows.actionRun(ws, automation, firing, "running", ActionRuns.MAX_ATTEMPTS, past,
                Instant.now().plusSeconds(30), null, null);

        runs.sweep();
        assertEquals("failed", AutomationRows.column(dead, "status"));
        assertEquals(ActionRuns.GIVEN_UP, AutomationRows.column(dead, "reason"));
        assertNotNull(AutomationRows.column(dead, "finished_at"));
        assertEquals("running", AutomationRows.column(alive, "status"), "its last attempt still holds it");
        List<JsonObject> failed = failedEvents();
        assertEquals(1, failed.size());
        JsonObject payload = failed.get(0);
        assertEquals(ActionRuns.GIVEN_UP, payload.getString("reason"));
        assertEquals(dead.toString(), payload.getString("invocation"));
        assertEquals(ActionRuns.MAX_ATTEMPTS, payload.getInt("attempt"));
        assertEquals(false, payload.getBoolean("will_retry"));
        assertEquals("call-webhook", payload.getString("action_type"));
        assertEquals(1, published.stream().filter(p -> p.workspaceId().equals(ws)).count(),
                "published after commit, as every stored event");

        runs.sweep();
        assertEquals(1, failedEvents().size(), "given up once");
    }

    @Test
    void aRunHandedOverIsNotHandedAgainUntilItsHandOverIsDone() {
        // due before any other test's runs in this database, so that a sweep's first 50 hold it
        UUID due = AutomationRows.actionRun(ws, automation, firing, "pending", 0, Instant.EPOCH, null, null, null);
        runs.runSoon(List.of(due)); // the evaluator's hand-over, just after its commit
        runs.runSoon(List.of(due));
        assertEquals(1, queued.size(), "queued once");
        runs.sweep();
        runs.sweep();
        assertEquals(2, offered(due), "the sweeps do not offer it while it waits");
        runQueued();
        assertEquals("succeeded", AutomationRows.column(due, "status"));

        UUID retried = AutomationRows.actionRun(ws, automation, firing, "pending", 1, Instant.EPOCH, null,
                "no answer", null);
        runs.sweep();
        runs.sweep();
        assertEquals(1, offered(retried), "a due retry is offered once, then waits");
        runQueued();
        assertEquals("succeeded", AutomationRows.column(retried, "status"));
        assertEquals(2, offered(due), "the finished run is not offered again");
    }

    private long offered(UUID run) {
        return offered.stream().filter(run::equals).count();
    }

    /** Runs what was handed over: this test's runs, and any other test's due runs the sweeps found. */
    private void runQueued() {
        while (!queued.isEmpty()) queued.remove(0).run();
    }

    private List<JsonObject> failedEvents() {
        return AutomationRows.sf().fromTransaction(s -> s.createNativeQuery("select payload::text from event "
                        + "where workspace_id = :ws and event = 'prefect.automation.action.failed'", String.class)
                .setParameter("ws", ws).getResultList()).stream().map(Json::parseObject).toList();
    }

    private ActionRuns actionRuns() {
        ActionRuns r = new ActionRuns() {
            @Override
            public void runSoon(List<UUID> ids) {
                offered.addAll(ids);
                super.runSoon(ids);
            }
        };
        r.tx = AutomationRows.transactions(s -> r.em = s);
        r.executor = new ActionExecutor() {
            @Override
            Outcome run(ActionRuns.Claimed claimed) {
                return new Done(JsonValue.EMPTY_JSON_ARRAY, Json.createObjectBuilder(), false);
            }
        };
        r.workers = only(ManagedExecutorService.class, "execute", task -> queued.add((Runnable) task));
        r.stored = only(Event.class, "fire", batch -> published.add((IngestedEvents) batch));
        return r;
    }

    /** An implementation of one method of the interface, which takes one argument; the others are never called. */
    @SuppressWarnings("unchecked")
    private static <T> T only(Class<?> type, String method, Consumer<Object> call) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (!m.getName().equals(method)) throw new UnsupportedOperationException(m.getName());
            call.accept(args[0]);
            return null;
        });
    }
}
