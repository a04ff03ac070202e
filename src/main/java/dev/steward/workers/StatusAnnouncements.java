package dev.steward.workers;

import dev.steward.access.TenantScope;
import dev.steward.events.RunEvent;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefect's status events of pools and queues: {@code prefect.work-pool.ready|not-ready|paused} and
 * {@code prefect.work-queue.ready|not-ready|paused}. Statuses are computed when read; the status last announced is kept
 * on the row ({@code announced_status}) and changed by a conditional update, so that a change seen by two paths (a
 * heartbeat and the loop, or two instances) is announced once, in the transaction that saw it. Heartbeats, polls and
 * pauses announce at once; what time alone changes (heartbeats and polls growing old) is announced by a loop, every
 * {@code steward.workers.status-loop-seconds} under the lease {@code steward:lease:work-statuses}, as Prefect's
 * foreman service does.
 */
@ApplicationScoped
public class StatusAnnouncements {
    private static final Logger LOG = Logger.getLogger(StatusAnnouncements.class.getName());
    private static final int BATCH = 500;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<RunEvent> runEvents;

    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    StatusSettings settings;

    @Inject
    LeasedLoops loops;

    @Inject
    Transactions tx;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start("steward:lease:work-statuses", settings.statusLoop(), () -> announceChanged(Instant.now()));
    }

    /** A worker of the pool heartbeat: the pool is READY unless paused (one statement when it already was). */
    void heartbeat(WorkPool pool) {
        if (!claimed("update work_pool set announced_status = 'READY' where id = ?1 and not is_paused "
                + "and type <> '" + WorkPool.AGENT_TYPE + "' and announced_status is distinct from 'READY' returning id",
                List.of(pool.getId())).isEmpty()) {
            firePool(em.find(WorkPool.class, pool.getId()), "READY");
        }
    }

    /** These queues were polled: those not paused are READY (one statement when they already were). */
    void polled(List<UUID> queueIds) {
        for (UUID id : claimed("update work_queue set announced_status = 'READY' where id in (?1) and not is_paused "
                + "and announced_status is distinct from 'READY' returning id", queueIds)) {
            WorkQueue q = em.find(WorkQueue.class, id);
            fireQueue(q, em.find(WorkPool.class, q.getWorkPoolId()), "READY");
        }
    }

    /** Announces the pool's status if it is not the one last announced. */
    void announce(WorkPool p) {
        String status = pools.status(p);
        if (status != null && claim("work_pool", p.getId(), status)) firePool(p, status);
    }

    /** Announces the queue's status if it is not the one last announced. */
    void announce(WorkQueue q, WorkPool pool) {
        String status = queues.status(q, Instant.now());
        if (claim("work_queue", q.getId(), status)) fireQueue(q, pool, status);
    }

    /**
     * The loop's round: pools and queues whose status, as of {@code now}, may differ from the one announced (the
     * query is a coarse filter; {@link #announce} decides), each announced in a transaction of its own.
     */
    public int announceChanged(Instant now) {
        int announced = 0;
        for (Object[] row : tx.inNew(() -> candidates(now))) {
            UUID ws = (UUID) row[0];
            UUID id = (UUID) row[2];
            boolean pool = "pool".equals(row[1]);
            try {
                TenantScope.system(ws).run(() -> tx.inNew(() -> {
                    if (pool) {
                        WorkPool p = em.find(WorkPool.class, id);
                        if (p != null) announce(p);
                    } else {
                        WorkQueue q = em.find(WorkQueue.class, id);
                        if (q != null) announce(q, em.find(WorkPool.class, q.getWorkPoolId()));
                    }
                    return null;
                }));
                announced++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not announce the status of work " + (pool ? "pool " : "queue ") + id, e);
            }
        }
        return announced;
    }

    /** Rows whose status as computed in SQL (the rules of {@link WorkPools#status} and WorkQueues.status) changed. */
    @SuppressWarnings("unchecked")
    private List<Object[]> candidates(Instant now) {
        return em.createNativeQuery("""
                (select p.workspace_id, 'pool', p.id from work_pool p
                 where p.type <> ?3 and p.announced_status is distinct from case
                     when p.is_paused then 'PAUSED'
                     when exists (select 1 from worker w where w.work_pool_id = p.id and w.last_heartbeat_time
                         > cast(?1 as timestamptz) - make_interval(secs => ?4 * coalesce(w.heartbeat_interval_seconds, ?5))) then 'READY'
                     else 'NOT_READY' end
                 limit ?6)
                union all
                (select q.workspace_id, 'queue', q.id from work_queue q
                 where q.announced_status is distinct from case
                     when q.is_paused then 'PAUSED'
                     when q.last_polled > ?2 then 'READY'
                     else 'NOT_READY' end
                 limit ?6)""")
                .setParameter(1, now).setParameter(2, now.minus(settings.pollTimeout()))
                .setParameter(3, WorkPool.AGENT_TYPE).setParameter(4, WorkPools.INACTIVITY_HEARTBEAT_MULTIPLE)
                .setParameter(5, WorkPools.DEFAULT_HEARTBEAT_INTERVAL_SECONDS).setParameter(6, BATCH)
                .getResultList();
    }

    private boolean claim(String table, UUID id, String status) {
        return em.createNativeQuery("update " + table + " set announced_status = ?1 where id = ?2 "
                + "and announced_status is distinct from ?1").setParameter(1, status).setParameter(2, id)
                .executeUpdate() == 1;
    }

    @SuppressWarnings("unchecked")
    private List<UUID> claimed(String update, List<UUID> ids) {
        return em.createNativeQuery(update).setParameter(1, ids).getResultList();
    }

    private void firePool(WorkPool p, String status) {
        runEvents.fire(new RunEvent(p.getWorkspaceId(), UUID.randomUUID(), Instant.now(),
                "prefect.work-pool." + kebab(status), WorkPoolDocument.eventResource(p),
                JsonValue.EMPTY_JSON_ARRAY, JsonValue.EMPTY_JSON_OBJECT, null));
    }

    private void fireQueue(WorkQueue q, WorkPool pool, String status) {
        runEvents.fire(new RunEvent(q.getWorkspaceId(), UUID.randomUUID(), Instant.now(), "prefect.work-queue."
                + kebab(status), WorkQueueDocument.statusResource(q), WorkQueueDocument.eventRelated(pool),
                JsonValue.EMPTY_JSON_OBJECT, null));
    }

    /** NOT_READY as Prefect's event names spell it: not-ready. */
    private static String kebab(String status) {
        return status.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
