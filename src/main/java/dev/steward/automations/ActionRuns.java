package dev.steward.automations;

import dev.steward.events.EventIntake;
import dev.steward.events.IngestedEvents;
import dev.steward.events.RunEvent;
import dev.steward.platform.Json;
import dev.steward.platform.Transactions;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.Session;

/**
 * Runs the actions of firings, on every instance: an action run is claimed with one conditional UPDATE (pending and
 * due, or running with its claim expired because the instance that held it died), so that one attempt holds it at a
 * time, and an attempt records its outcome only while it still holds it (its attempt number fences it); the
 * evaluator hands over the runs it creates as soon as they commit, and each instance also sweeps for due runs every
 * second (retries, and claims that expired), handing over only those it is not already running. An action that
 * changes this server's state does so in the transaction that marks its run succeeded: it happens once. An action
 * that calls out (a webhook) is claimed, called, then marked; if the instance dies between the call and the mark,
 * the call is made again after the claim expires. Failures retry with backoff (1 s, 4 s, 16 s, 64 s) when they may
 * pass, and each failed attempt emits {@code prefect.automation.action.failed} with its reason; so does a run given
 * up because its last attempt died with its instance, in the transaction that gives it up. Success emits
 * {@code ...action.executed}.
 */
@ApplicationScoped
public class ActionRuns {
    private static final Logger LOG = Logger.getLogger(ActionRuns.class.getName());
    static final int MAX_ATTEMPTS = 5;
    static final Duration CLAIM = Duration.ofSeconds(60);
    static final String GIVEN_UP = "The action could not be completed in " + MAX_ATTEMPTS + " attempts";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    ActionExecutor executor;

    @Inject
    Event<IngestedEvents> stored;

    @Resource
    ManagedExecutorService workers;

    @Resource
    ManagedScheduledExecutorService timer;

    private ScheduledFuture<?> sweep;

    /** The runs handed to the executor here and not yet done with. */
    private final Set<UUID> handedOver = ConcurrentHashMap.newKeySet();

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        sweep = timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (sweep != null) sweep.cancel(false);
    }

    /**
     * Runs these (just committed or due) action runs on the managed executor, each at most once at a time here: a run
     * already handed over and not yet done (queued behind others, or running) is not handed again, so that a busy
     * executor's queue does not fill with copies of the same runs every sweep.
     */
    public void runSoon(List<UUID> ids) {
        for (UUID id : ids) {
            if (!handedOver.add(id)) continue;
            try {
                workers.execute(() -> {
                    try {
                        runOne(id);
                    } finally {
                        handedOver.remove(id);
                    }
                });
            } catch (RuntimeException e) {
                handedOver.remove(id);
                throw e;
            }
        }
    }

    /**
     * Gives up the runs whose last attempt died, then hands the due runs of every workspace that are not already
     * handed over here to {@link #runSoon}, where each is claimed (or found taken by another instance) and run.
     */
    void sweep() {
        try {
            Set<UUID> busy = Set.copyOf(handedOver);
            List<UUID> due = tx.inNew(() -> {
                giveUp();
                return em.unwrap(Session.class).doReturningWork(c -> {
                    List<UUID> ids = new ArrayList<>();
                    try (PreparedStatement s = c.prepareStatement("select id from automation_action_run "
                            + "where status in ('pending', 'running') and due_at <= now() "
                            + "and (claimed_until is null or claimed_until < now()) and not (id = any(?)) "
                            + "order by due_at limit 50")) {
                        s.setArray(1, c.createArrayOf("uuid", busy.toArray()));
                        try (ResultSet rs = s.executeQuery()) {
                            while (rs.next()) ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                });
            });
            runSoon(due);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not sweep for due automation actions; trying again", e);
        }
    }

    /**
     * Marks failed the runs whose every attempt died with its instance (or with an error of this server), each with
     * its {@code prefect.automation.action.failed}, in the caller's transaction. Rows are locked as they are chosen
     * (others' sweeps skip them), so a run is given up, and its event emitted, once.
     */
    private void giveUp() {
        List<Claimed> exhausted = em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement("update automation_action_run r set status = 'failed', "
                    + "reason = ?, finished_at = now(), claimed_until = null from automation a, automation_firing f "
                    + "where r.id in (select id from automation_action_run where status = 'running' "
                    + "and claimed_until < now() and attempts >= " + MAX_ATTEMPTS
                    + " limit 100 for update skip locked) "
                    + "and a.id = r.automation_id and f.id = r.firing_id returning " + CLAIMED)) {
                s.setString(1, GIVEN_UP);
                List<Claimed> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) out.add(claimed(rs));
                }
                return out;
            }
        });
        for (Claimed run : exhausted) {
            emit(run, "prefect.automation.action.failed", JsonValue.EMPTY_JSON_ARRAY, Json.createObjectBuilder()
                    .add("reason", GIVEN_UP).add("attempt", run.attempts()).add("will_retry", false));
        }
    }

    /** A claimed action run: what it needs to run. */
    record Claimed(UUID id, UUID workspaceId, UUID automationId, String automationName, Trigger trigger,
                   int index, JsonObject action, JsonObject triggeringEvent, UUID triggeredEventId, int attempts,
                   JsonObject firing) {
        Armed automation() {
            return Armed.of(automationId, workspaceId, automationName, trigger, List.of(), List.of(), List.of());
        }
    }

    void runOne(UUID id) {
        try {
            Claimed claimed = tx.inNew(() -> claim(id));
            if (claimed == null) return; // another instance has it, or it is done
            ActionExecutor.Outcome outcome = executor.run(claimed);
            if (outcome instanceof ActionExecutor.Failed failed) record(claimed, failed);
            else if (outcome instanceof ActionExecutor.Done done && !done.marked()) {
                tx.inNew(() -> {
                    markSucceeded(claimed);
                    emit(claimed, "prefect.automation.action.executed", done.targets(), done.details());
                    return null;
                });
            }
        } catch (ClaimLost e) {
            LOG.fine("Action run " + id + ": " + e.getMessage());
        } catch (Exception e) {
            // Exception, not RuntimeException: a transaction's interceptor can throw a checked one (RollbackException)
            LOG.log(Level.WARNING, "Automation action run " + id + " failed to run; it is retried", e);
        }
    }

    private Claimed claim(UUID id) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement("update automation_action_run r set status = 'running', "
                    + "attempts = attempts + 1, claimed_until = clock_timestamp() + interval '" + CLAIM.toSeconds()
                    + " seconds' from automation a, automation_firing f "
                    + "where r.id = ? and a.id = r.automation_id and f.id = r.firing_id "
                    + "and r.status in ('pending', 'running') and r.due_at <= now() and r.attempts < " + MAX_ATTEMPTS
                    + " and (r.claimed_until is null or r.claimed_until < now()) returning " + CLAIMED)) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? claimed(rs) : null;
                }
            }
        });
    }

    /** What a claimed run needs, as {@link #claimed} reads it: the run ({@code r}), its automation and its firing. */
    private static final String CLAIMED = "r.id, r.workspace_id, r.automation_id, a.name, a.trigger, r.action_index, "
            + "r.action, r.triggering_event, r.automation_triggered_event_id, r.attempts, f.firing";

    private static Claimed claimed(ResultSet rs) throws SQLException {
        String event = rs.getString(8);
        return new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                rs.getString(4), Trigger.read(Json.parse(rs.getString(5)), "trigger"), rs.getInt(6),
                Json.parseObject(rs.getString(7)), event == null ? null : Json.parseObject(event),
                rs.getObject(9, UUID.class), rs.getInt(10), Json.parseObject(rs.getString(11)));
    }

    /**
     * Marks the run succeeded, in the caller's transaction (an action that changes state does it in its own), if
     * this attempt still holds it: an attempt whose claim expired (its instance paused past it) and that another
     * attempt took over marks nothing, and {@link ClaimLost} rolls its transaction back.
     */
    void markSucceeded(Claimed claimed) {
        int marked = em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement("update automation_action_run set status = 'succeeded', "
                    + "finished_at = now(), claimed_until = null, reason = null "
                    + "where id = ? and status = 'running' and attempts = ?")) {
                s.setObject(1, claimed.id());
                s.setInt(2, claimed.attempts());
                return s.executeUpdate();
            }
        });
        if (marked == 0) throw new ClaimLost();
    }

    /** Another attempt holds the run now: this one's work is undone and it records nothing. */
    static final class ClaimLost extends RuntimeException {
        ClaimLost() {
            super("the action run was claimed again by another attempt", null, false, false);
        }
    }

    private void record(Claimed claimed, ActionExecutor.Failed failed) {
        boolean retry = failed.retryable() && claimed.attempts() < MAX_ATTEMPTS;
        tx.inNew(() -> {
            int recorded = em.unwrap(Session.class).doReturningWork(c -> {
                try (PreparedStatement s = c.prepareStatement("update automation_action_run set status = ?, "
                        + "reason = ?, claimed_until = null, due_at = ?, finished_at = ? "
                        + "where id = ? and status = 'running' and attempts = ?")) {
                    Instant now = Instant.now();
                    s.setString(1, retry ? "pending" : "failed");
                    s.setString(2, failed.reason());
                    s.setTimestamp(3, Timestamp.from(retry ? now.plus(backoff(claimed.attempts())) : now));
                    s.setTimestamp(4, retry ? null : Timestamp.from(now));
                    s.setObject(5, claimed.id());
                    s.setInt(6, claimed.attempts());
                    return s.executeUpdate();
                }
            });
            if (recorded == 0) return null; // another attempt holds the run: it records its own outcome
            JsonObjectBuilder details = Json.createObjectBuilder(failed.details()).add("reason", failed.reason())
                    .add("attempt", claimed.attempts()).add("will_retry", retry);
            emit(claimed, "prefect.automation.action.failed", failed.targets(), details);
            return null;
        });
    }

    /** 1 s, 4 s, 16 s, 64 s after the first, second, third and fourth attempt. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds((long) Math.pow(4, Math.max(0, attempts - 1)));
    }

    /** Emits an action event of the claimed run in the current transaction (stored, then published after commit). */
    void emit(Claimed claimed, String name, JsonArray targets, JsonObjectBuilder payload) {
        Instant now = Instant.now();
        RunEvent event = Firings.actionEvent(claimed.automation(), name, now, claimed.index(),
                claimed.action().getString("type"), claimed.id(), claimed.triggeringEvent(),
                claimed.triggeredEventId(), targets, payload);
        List<RunEvent> fresh = em.unwrap(Session.class).doReturningWork(c ->
                EventIntake.write(c, claimed.workspaceId(), List.of(event), false, now));
        stored.fire(new IngestedEvents(claimed.workspaceId(), fresh, now));
    }
}
