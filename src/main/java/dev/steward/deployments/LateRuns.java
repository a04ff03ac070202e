package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.orchestration.FlowRunService;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefect's late_runs service: every {@code steward.late-runs.loop-seconds}, a run still SCHEDULED ("Scheduled")
 * {@code steward.late-runs.after-seconds} past its time is proposed SCHEDULED "Late" with the same scheduled time,
 * through the flow-run rules (which take "Late" only from a SCHEDULED run not yet late) so it emits
 * {@code prefect.flow-run.Late}. Up to 400 runs a round, as Prefect; once per cluster under the Redis lease
 * {@code steward:lease:late-runs}; a failed round is retried next round.
 */
@ApplicationScoped
public class LateRuns {
    private static final Logger LOG = Logger.getLogger(LateRuns.class.getName());
    private static final int BATCH = 400;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    FlowRunService runs;

    @Inject
    DeploymentSettings settings;

    @Inject
    LeasedLoops loops;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start("steward:lease:late-runs", settings.lateRunsLoop(), () -> mark(Instant.now()));
    }

    /** Marks the runs late by {@code now}; how many were marked. */
    public int mark(Instant now) {
        int marked = 0;
        for (Object[] row : tx.inNew(() -> late(now.minus(settings.lateAfter())))) {
            UUID ws = (UUID) row[0];
            UUID id = (UUID) row[1];
            String scheduled = (String) row[2];
            Body late = Body.of(Json.createObjectBuilder().add("state", Json.createObjectBuilder()
                    .add("type", "SCHEDULED").add("name", "Late")
                    .add("state_details", Json.createObjectBuilder().add("scheduled_time", scheduled))).build());
            try {
                if (TenantScope.system(ws).supply(() -> tx.inNew(() -> runs.setState(id, late).newState()))) marked++;
            } catch (RuntimeException e) {
                // a run deleted meanwhile (404) is expected; anything else would recur every round, so it is shown
                LOG.log(e instanceof NotFound ? Level.FINE : Level.WARNING,
                        "Could not mark flow run " + id + " late", e);
            }
        }
        return marked;
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> late(Instant before) {
        return em.createNativeQuery("""
                select workspace_id, id, to_char(expected_start_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                from flow_run
                where state_type = 'SCHEDULED' and state_name = 'Scheduled' and expected_start_time <= ?1
                order by expected_start_time
                limit ?2""").setParameter(1, before)
                .setParameter(2, BATCH).getResultList();
    }
}
