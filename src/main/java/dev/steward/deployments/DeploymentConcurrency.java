package dev.steward.deployments;

import dev.steward.concurrency.ConcurrencyLease;
import dev.steward.concurrency.ConcurrencyLimit;
import dev.steward.concurrency.ConcurrencyLimitService;
import dev.steward.concurrency.Slots;
import dev.steward.orchestration.DeploymentSlots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
    @Inject
    DeploymentStore store;

    @Inject
    Slots slots;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    DeploymentSettings settings;

    @Override
    public Answer secure(UUID deploymentId) {
        Optional<Deployment> d = store.find(deploymentId);
        if (d.isEmpty()) return new Answer(null, null, "Deployment not found.");
        DeploymentDocument doc = d.get().document();
        Optional<ConcurrencyLimit> limit = doc.concurrencyLimitId().flatMap(id -> limits.find(id.toString()));
        if (limit.isEmpty()) return Answer.NO_LIMIT;
        if (limit.get().getLimit() == 0) {
            return new Answer(null, null, "The deployment concurrency limit is 0. The flow will deadlock if submitted again.");
        }
        Duration ttl = doc.gracePeriod().orElse(settings.deploymentLease());
        Slots.Outcome outcome = slots.acquire(List.of(limit.get().getName()), 1, Slots.Mode.CONCURRENCY,
                new Slots.LeaseRequest(ttl, new ConcurrencyLease.Holder("deployment", deploymentId)));
        if (outcome instanceof Slots.Granted granted) return new Answer(granted.leaseId(), null, null);
        return new Answer(null, doc.collisionStrategy(), null);
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
