package dev.steward.orchestration;

import java.util.UUID;

/**
 * The slots of deployment concurrency limits, as the flow-run rules ask for them (Prefect's
 * SecureFlowConcurrencySlots and ReleaseFlowConcurrencySlots); the deployments package implements it, on the
 * concurrency package's limits and leases.
 */
public interface DeploymentSlots {
    /**
     * What securing a slot gave: a lease (or, with {@code leaseId} null, no limit to respect); else the deployment's
     * collision strategy ({@code ENQUEUE} or {@code CANCEL_NEW}), or a reason to abort.
     */
    record Answer(UUID leaseId, String collisionStrategy, String abortReason) {
        public static final Answer NO_LIMIT = new Answer(null, null, null);
    }

    /** Takes a slot of the deployment's limit for one of its runs entering PENDING. */
    Answer secure(UUID deploymentId);

    /** Gives a run's slot back (its lease ends). */
    void release(UUID leaseId);

    /** How long a run enqueued for a slot waits before it proposes PENDING again. */
    double slotWaitSeconds();
}
