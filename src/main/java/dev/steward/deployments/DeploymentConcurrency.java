package dev.steward.deployments;

import dev.steward.concurrency.ConcurrencyLease;
import dev.steward.concurrency.ConcurrencyLimit;
import dev.steward.concurrency.ConcurrencyLimitService;
import dev.steward.concurrency.Slots;
import dev.steward.orchestration.DeploymentSlots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployment concurrency on the concurrency package's v2 limits, as Prefect does it: a deployment's
 * {@code concurrency_limit} is the limit {@code deployment:<id>} (or its {@code global_concurrency_limit_id} another
 * limit); a run entering PENDING takes one slot under a lease that lasts the deployment's
 * {@code concurrency_options.grace_period_seconds} (else {@code steward.deployments.lease-seconds}, Prefect's 300 s)
 * and that the client renews while the run runs; the run's end gives it back, and a lease never renewed expires (its
 * slot is swept back).
 */
@ApplicationScoped
public class DeploymentConcurrency implements DeploymentSlots {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Slots slots;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    DeploymentSettings settings;

    @Override
    public Answer secure(UUID deploymentId) {
        Deployment d = em.find(Deployment.class, deploymentId);
        if (d == null) return new Answer(null, null, "Deployment not found.");
        JsonObject doc = d.document();
        if (!(doc.get("concurrency_limit_id") instanceof JsonString id)) return Answer.NO_LIMIT;
        Optional<ConcurrencyLimit> limit = limits.find(id.getString());
        if (limit.isEmpty()) return Answer.NO_LIMIT;
        if (limit.get().getLimit() == 0) {
            return new Answer(null, null, "The deployment concurrency limit is 0. The flow will deadlock if submitted again.");
        }
        JsonObject options = doc.get("concurrency_options") instanceof JsonObject o ? o : JsonObject.EMPTY_JSON_OBJECT;
        Duration ttl = options.get("grace_period_seconds") instanceof JsonNumber n
                ? Duration.ofMillis(Math.round(n.doubleValue() * 1000)) : settings.deploymentLease();
        Slots.Outcome outcome = slots.acquire(List.of(limit.get().getName()), 1, Slots.Mode.CONCURRENCY,
                new Slots.LeaseRequest(ttl, new ConcurrencyLease.Holder("deployment", deploymentId)));
        if (outcome instanceof Slots.Granted granted) return new Answer(granted.leaseId(), null, null);
        return new Answer(null, options.getString("collision_strategy", "ENQUEUE"), null);
    }

    @Override
    public void release(UUID leaseId) {
        slots.releaseLease(leaseId);
    }

    @Override
    public double slotWaitSeconds() {
        return settings.concurrencySlotWaitSeconds();
    }
}
