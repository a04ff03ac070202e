package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefect's scheduler service: every {@code steward.scheduler.loop-seconds} it makes the runs of active schedules
 * ahead of time (Prefect's horizon: at least min-runs and min-scheduled-time ahead, at most max-runs and
 * max-scheduled-time) for the deployments that lack them: fewer than min-runs future auto-scheduled runs, or none as
 * far as min-scheduled-time (a new, changed or resumed deployment; one whose runs were used up). It runs on the
 * container's managed scheduled executor, on one instance of the cluster at a time: the instance holding the Redis
 * lease {@code steward:lease:scheduler} (renewed each round, valid for three rounds). Runs carry Prefect's idempotency
 * key, so a round repeated after a crash or by a new lease holder makes no run twice; after a restart the first round
 * fills the horizon again from now. A failed round (database or Redis down) is logged and retried next round.
 */
@ApplicationScoped
public class Scheduler {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    static final String LEASE_KEY = "steward:lease:scheduler";
    static final int BATCH = 100;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    DeploymentRuns runs;

    @Inject
    DeploymentSettings settings;

    @Inject
    LeasedLoops loops;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start(LEASE_KEY, settings.schedulerLoop(), () -> round(Instant.now()));
    }

    /**
     * One round: the runs every deployment that lacks them needs from {@code now}; how many were made. Deployments
     * are read in batches of {@link #BATCH} by id, so a round over many deployments never holds them all at once.
     */
    public int round(Instant now) {
        int made = 0;
        UUID after = new UUID(0, 0); // the least uuid in PostgreSQL's (unsigned) order
        List<Object[]> batch;
        do {
            UUID from = after;
            batch = tx.inNew(() -> due(now, from));
            for (Object[] row : batch) {
                UUID ws = (UUID) row[0];
                UUID id = (UUID) row[1];
                after = id;
                try {
                    made += TenantScope.system(ws).supply(() -> tx.inNew(() -> runs.scheduleRuns(id, now,
                            now.plus(settings.maxScheduledTime()), settings.minScheduledTime(), settings.minRuns(),
                            settings.maxRuns())));
                } catch (RuntimeException e) {
                    // one deployment that cannot be scheduled (its pool deleted, say) must not stop the others
                    LOG.log(Level.WARNING, "The scheduler could not make the runs of deployment " + id + ": " + e, e);
                }
            }
        } while (batch.size() == BATCH);
        int total = made;
        if (total > 0) LOG.fine(() -> "The scheduler made " + total + " runs");
        return total;
    }

    /** The next {@link #BATCH} deployments by id after {@code after} that lack scheduled runs. */
    @SuppressWarnings("unchecked")
    private List<Object[]> due(Instant now, UUID after) {
        Duration minTime = settings.minScheduledTime();
        return em.createNativeQuery("""
                select d.workspace_id, d.id from deployment d
                where not d.paused and d.id > ?4
                  and exists (select 1 from deployment_schedule s where s.deployment_id = d.id and s.active)
                  and (select count(*) < ?1 or coalesce(max(r.expected_start_time) < ?3, true) from flow_run r
                       where r.workspace_id = d.workspace_id and r.deployment_id = d.id and r.state_type = 'SCHEDULED'
                         and r.expected_start_time >= ?2 and coalesce((r.body->>'auto_scheduled')::boolean, false))
                order by d.id limit ?5""")
                .setParameter(1, settings.minRuns()).setParameter(2, now).setParameter(3, now.plus(minTime))
                .setParameter(4, after).setParameter(5, BATCH).getResultList();
    }
}
