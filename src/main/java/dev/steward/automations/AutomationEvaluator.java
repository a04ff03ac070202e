package dev.steward.automations;

import dev.steward.events.EventIntake;
import dev.steward.events.IngestedEvents;
import dev.steward.events.RunEvent;
import dev.steward.platform.Json;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Evaluates every workspace's enabled automations against the committed event stream, on one instance at a time
 * (the lease {@code steward:lease:automations}), every {@code steward.automations.loop-millis}.
 *
 * <p>Each round is one transaction: it reads the events that transactions below the horizon (the oldest transaction
 * still running) stored after its cursor, in commit order, applies them to the triggers' buckets, checks the
 * proactive triggers' deadlines, records firings and their pending actions, and moves the cursor, all in one commit.
 * A round that fails or an instance that dies leaves the cursor where it was, and the next holder of the lease
 * evaluates the same events again from the same buckets: each event counts once, and each firing happens once.
 * The cursor row is locked first, so even two instances that both believe they hold the lease evaluate in turn.
 */
@ApplicationScoped
public class AutomationEvaluator {
    private static final Logger LOG = Logger.getLogger(AutomationEvaluator.class.getName());
    static final String LEASE_KEY = "steward:lease:automations";
    static final int BATCH = 1000;
    /** Prefect's expired-bucket buffer: windows closed this long ago are swept. */
    static final Duration SWEEP_AFTER = Duration.ofSeconds(60);

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    LeasedLoops loops;

    @Inject
    ActionRuns actionRuns;

    @Inject
    Event<IngestedEvents> stored;

    @Inject
    @ConfigProperty(name = "steward.automations.loop-millis", defaultValue = "100")
    long loopMillis;

    /** How often a metric trigger's metric is measured (a query over the workspace's recent runs). */
    @Inject
    @ConfigProperty(name = "steward.automations.metric-interval", defaultValue = "PT10S")
    Duration metricEvery;

    private volatile Snapshot armed = Snapshot.EMPTY;
    private volatile Instant lastSweep = Instant.EPOCH;

    /**
     * The enabled automations' event triggers, by workspace, what they were read from (to know when to read them
     * again), which events they may count, and those checked by the clock (with a proactive or a metric trigger).
     */
    record Snapshot(String version, Map<UUID, TriggerIndex> byWorkspace, EvaluationStore.EventFilter events,
                    List<Armed> periodic) {
        static final Snapshot EMPTY = new Snapshot("", Map.of(), EvaluationStore.EventFilter.NONE, List.of());
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start(LEASE_KEY, Duration.ofMillis(loopMillis), () -> {
            List<UUID> due = round(Instant::now);
            actionRuns.runSoon(due);
        });
    }

    /** One round at the clock's time; the action runs it created, to start now that they are committed. */
    public List<UUID> round(Supplier<Instant> clock) {
        List<UUID> created = new ArrayList<>();
        boolean more = true;
        for (int batches = 0; more && batches < 10; batches++) {
            Result result = tx.inNew(() -> evaluate(clock));
            created.addAll(result.actionRuns());
            more = result.full();
        }
        return created;
    }

    private record Result(List<UUID> actionRuns, boolean full) {}

    private Result evaluate(Supplier<Instant> clock) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            EvaluationStore store = new EvaluationStore(c);
            String horizon = store.horizon();
            EvaluationStore.Cursor cursor = store.lockCursor();
            EvaluationStore.Cursor rewound = store.rewindIfAhead(cursor, horizon);
            if (rewound != cursor) {
                LOG.warning("The automations' place in the event stream (transaction " + cursor.tx() + ") was ahead of "
                        + "the database's transactions (" + horizon + "): the database was restored into another "
                        + "cluster; evaluation goes on from its current transactions");
                cursor = rewound;
            }
            Snapshot snapshot = armed(c);
            Firings firings = new Firings(store);
            TriggerEvaluation evaluation = new TriggerEvaluation(store, firings, clock);
            boolean full = false;
            EvaluationStore.Cursor next = new EvaluationStore.Cursor(horizon, new UUID(0, 0), new UUID(0, 0));
            if (!snapshot.byWorkspace().isEmpty()) {
                List<EvaluationStore.Committed> events = store.eventsAfter(cursor, horizon, snapshot.events(), BATCH);
                for (EvaluationStore.Committed committed : events) {
                    evaluateEvent(c, evaluation, firings, snapshot, committed);
                }
                full = events.size() == BATCH;
                if (full) next = events.get(events.size() - 1).at();
            }
            Instant now = clock.get();
            if (!full) {
                // a deadline is checked only once the events before it are read: behind, a window would look empty
                Instant asOf = store.oldestWriteStart().filter(now::isAfter).orElse(now);
                for (Armed automation : snapshot.periodic()) {
                    isolated(c, firings, "automation " + automation.id(), () -> {
                        evaluation.deadlines(automation, asOf);
                        for (MetricTrigger trigger : automation.metricTriggers()) {
                            evaluation.metric(automation, trigger, asOf, metricEvery);
                        }
                    });
                }
            }
            if (Duration.between(lastSweep, now).compareTo(SWEEP_AFTER) > 0) {
                store.sweepBuckets(proactiveTriggerIds(snapshot), now.minus(SWEEP_AFTER));
                lastSweep = now;
            }
            if (!next.equals(cursor)) store.moveCursor(next);
            Map<UUID, List<RunEvent>> byWorkspace = new LinkedHashMap<>();
            firings.events().forEach(e -> byWorkspace.computeIfAbsent(e.workspaceId(), k -> new ArrayList<>()).add(e));
            for (Map.Entry<UUID, List<RunEvent>> e : byWorkspace.entrySet()) {
                List<RunEvent> fresh = EventIntake.write(c, e.getKey(), e.getValue(), false, now);
                stored.fire(new IngestedEvents(e.getKey(), fresh, now));
            }
            return new Result(List.copyOf(firings.actionRuns()), full);
        });
    }

    private static void evaluateEvent(Connection c, TriggerEvaluation evaluation, Firings firings, Snapshot snapshot,
                                      EvaluationStore.Committed committed) throws SQLException {
        String name = committed.event().getString("event");
        if (name.equals("prefect.log.write")) return; // as Prefect: logs never trigger
        TriggerIndex index = snapshot.byWorkspace().get(committed.workspaceId());
        if (index == null) return;
        for (TriggerIndex.Entry candidate : index.candidates(name)) {
            if (candidate.trigger().covers(committed.event())) {
                isolated(c, firings, "automation " + candidate.automation().id() + " on event "
                                + committed.event().getString("id"),
                        () -> evaluation.reactive(candidate.automation(), candidate.trigger(), committed.event()));
            }
        }
    }

    /** A piece of evaluation that may fail. */
    @FunctionalInterface
    private interface Step {
        void run() throws SQLException;
    }

    /**
     * Runs one automation's part of a round under a savepoint: if it fails (say a for_each value PostgreSQL cannot
     * store), its writes and firings are undone and logged, and the round goes on for every other automation, rather
     * than failing again on the same event every round.
     */
    private static void isolated(Connection c, Firings firings, String what, Step step) throws SQLException {
        Firings.Mark mark = firings.mark();
        try (var s = c.createStatement()) {
            s.execute("savepoint automation_step");
        }
        try {
            step.run();
            try (var s = c.createStatement()) {
                s.execute("release savepoint automation_step");
            }
        } catch (SQLException | RuntimeException e) {
            try (var s = c.createStatement()) {
                s.execute("rollback to savepoint automation_step");
            }
            firings.forget(mark);
            LOG.log(Level.WARNING, "Could not evaluate " + what + "; it is skipped", e);
        }
    }

    private static List<UUID> proactiveTriggerIds(Snapshot snapshot) {
        List<UUID> ids = new ArrayList<>();
        for (Armed a : snapshot.periodic()) {
            for (EventTrigger t : a.eventTriggers()) if (t.posture() == Posture.Proactive) ids.add(t.id());
        }
        return ids;
    }

    /**
     * The enabled automations, read again only when one was created, changed or deleted since the last read: their
     * version is their count and a sum over their ids and update times, which moves whatever order changes commit in.
     */
    private Snapshot armed(Connection c) throws SQLException {
        String version;
        try (PreparedStatement s = c.prepareStatement(
                "select count(*) || '/' || coalesce(sum(hashtextextended(id::text || updated::text, 0)), 0) "
                        + "from automation where enabled");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            version = rs.getString(1);
        }
        Snapshot current = armed;
        if (current.version().equals(version)) return current;
        Map<UUID, List<Armed>> byWorkspace = new HashMap<>();
        List<Armed> periodic = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("select id, workspace_id, name, trigger, actions, "
                + "actions_on_trigger, actions_on_resolve from automation where enabled order by created, id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                try {
                    Armed a = Armed.of(id, rs.getObject(2, UUID.class), rs.getString(3),
                            Trigger.read(Json.parse(rs.getString(4)), "trigger"),
                            Action.readList(Json.parse(rs.getString(5)), "actions"),
                            Action.readList(Json.parse(rs.getString(6)), "actions_on_trigger"),
                            Action.readList(Json.parse(rs.getString(7)), "actions_on_resolve"));
                    byWorkspace.computeIfAbsent(a.workspaceId(), k -> new ArrayList<>()).add(a);
                    if (!a.metricTriggers().isEmpty()
                            || a.eventTriggers().stream().anyMatch(t -> t.posture() == Posture.Proactive)) {
                        periodic.add(a);
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Automation " + id + " cannot be read and is not evaluated", e);
                }
            }
        }
        Map<UUID, TriggerIndex> indexes = new HashMap<>();
        byWorkspace.forEach((workspace, automations) -> indexes.put(workspace, new TriggerIndex(automations)));
        Snapshot fresh = new Snapshot(version, Map.copyOf(indexes), EvaluationStore.EventFilter.of(indexes),
                List.copyOf(periodic));
        armed = fresh;
        return fresh;
    }
}
