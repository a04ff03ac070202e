package dev.steward.workers;

import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/**
 * A worker's poll for work: the claim of {@link ScheduledRuns} in one transaction, then the polled queues' last_polled in
 * another (as Prefect records polls apart from the claim), so that pollers of one queue do not wait on each other's
 * queue-row update while holding their claimed runs.
 */
@ApplicationScoped
public class WorkerPolls {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    ClaimSettings settings;

    /** Claims and answers Prefect's WorkerFlowRunResponse list: {work_pool_id, work_queue_id, flow_run}. */
    @Transactional
    public JsonArray claim(ScheduledRuns.Poll poll) {
        Session session = em.unwrap(Session.class);
        UUID workspaceId = TenantScope.workspaceId();
        List<ScheduledRuns.Claimed> claimed = session.doReturningWork(c ->
                ScheduledRuns.claim(c, workspaceId, poll, settings.lease(), Instant.now()));
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (ScheduledRuns.Claimed r : claimed) {
            out.add(Json.createObjectBuilder().add("work_pool_id", r.poolId().toString())
                    .add("work_queue_id", r.queueId().toString()).add("flow_run", Json.parse(r.body())));
        }
        return out.build();
    }
}
