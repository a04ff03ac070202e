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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private volatile Snapshot armed = Snapshot.EMPTY;
    private Instant lastSweep = Instant.EPOCH;

    /** The enabled automations, by workspace, and what they were read from (to know when to read them again). */
    record Snapshot(String version, Map<UUID, List<Armed>> byWorkspace, List<String> namePatterns,
                    List<Armed> proactive) {
        static final Snapshot EMPTY = new Snapshot("", Map.of(), List.of(), List.of());
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
            Snapshot snapshot = armed(c);
            Map<UUID, List<RunEvent>> emitted = new LinkedHashMap<>();
            Firings firings = new Firings(store, e -> emitted.computeIfAbsent(e.workspaceId(),
                    k -> new ArrayList<>()).add(e));
            TriggerEvaluation evaluation = new TriggerEvaluation(store, firings, clock);
            boolean full = false;
            EvaluationStore.Cursor next = new EvaluationStore.Cursor(horizon, new UUID(0, 0), new UUID(0, 0));
            if (!snapshot.byWorkspace().isEmpty()) {
                List<EvaluationStore.Committed> events = store.eventsAfter(cursor, horizon,
                        snapshot.byWorkspace().keySet(), snapshot.namePatterns(), BATCH);
                for (EvaluationStore.Committed committed : events) {
                    evaluateEvent(evaluation, snapshot, committed);
                }
                full = events.size() == BATCH;
                if (full) next = events.get(events.size() - 1).at();
            }
            Instant now = clock.get();
            for (Armed automation : snapshot.proactive()) evaluation.deadlines(automation, now);
            if (Duration.between(lastSweep, now).compareTo(SWEEP_AFTER) > 0) {
                store.sweepBuckets(proactiveTriggerIds(snapshot), now.minus(SWEEP_AFTER));
                lastSweep = now;
            }
            store.moveCursor(next);
            for (Map.Entry<UUID, List<RunEvent>> e : emitted.entrySet()) {
                List<RunEvent> fresh = EventIntake.write(c, e.getKey(), e.getValue(), false, now);
                stored.fire(new IngestedEvents(e.getKey(), fresh, now));
            }
            return new Result(List.copyOf(firings.actionRuns()), full);
        });
    }

    private static void evaluateEvent(TriggerEvaluation evaluation, Snapshot snapshot,
                                      EvaluationStore.Committed committed) throws SQLException {
        for (Armed automation : snapshot.byWorkspace().getOrDefault(committed.workspaceId(), List.of())) {
            evaluation.event(automation, committed.event());
        }
    }

    private static List<UUID> proactiveTriggerIds(Snapshot snapshot) {
        List<UUID> ids = new ArrayList<>();
        for (Armed a : snapshot.proactive()) {
            for (EventTrigger t : a.eventTriggers()) if (t.posture() == Posture.Proactive) ids.add(t.id());
        }
        return ids;
    }

    /** The enabled automations, read again only when one was created, changed or deleted since the last read. */
    private Snapshot armed(Connection c) throws SQLException {
        String version;
        try (PreparedStatement s = c.prepareStatement(
                "select count(*) || '/' || coalesce(max(updated)::text, '') from automation where enabled");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            version = rs.getString(1);
        }
        Snapshot current = armed;
        if (current.version().equals(version)) return current;
        Map<UUID, List<Armed>> byWorkspace = new HashMap<>();
        List<Armed> proactive = new ArrayList<>();
        Set<String> patterns = new LinkedHashSet<>();
        boolean everyName = false;
        try (PreparedStatement s = c.prepareStatement("select id, workspace_id, name, trigger, actions, "
                + "actions_on_trigger from automation where enabled order by created, id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                try {
                    Armed a = Armed.of(id, rs.getObject(2, UUID.class), rs.getString(3),
                            Trigger.read(Json.parse(rs.getString(4)), "trigger"),
                            Action.readList(Json.parse(rs.getString(5)), "actions"),
                            Action.readList(Json.parse(rs.getString(6)), "actions_on_trigger"));
                    byWorkspace.computeIfAbsent(a.workspaceId(), k -> new ArrayList<>()).add(a);
                    boolean isProactive = false;
                    for (EventTrigger t : a.eventTriggers()) {
                        isProactive |= t.posture() == Posture.Proactive;
                        List<String> like = likePatterns(t);
                        if (like == null) everyName = true; else patterns.addAll(like);
                    }
                    if (isProactive) proactive.add(a);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Automation " + id + " cannot be read and is not evaluated", e);
                }
            }
        }
        Snapshot fresh = new Snapshot(version, Map.copyOf(byWorkspace),
                everyName ? null : List.copyOf(patterns), List.copyOf(proactive));
        armed = fresh;
        return fresh;
    }

    /**
     * The names a trigger reads, as SQL LIKE patterns, so that a round reads only the events some trigger may count:
     * null when it may read any name (no {@code expect}, or patterns LIKE cannot say exactly).
     */
    static List<String> likePatterns(EventTrigger trigger) {
        if (trigger.expect().isEmpty()) return null;
        List<String> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(trigger.expect());
        names.addAll(trigger.after());
        for (String name : names) {
            if (name.startsWith("!") || name.contains("?") || name.contains("[")) return null;
            out.add(name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%"));
        }
        return out;
    }
}
