package dev.steward.concurrency;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of concurrency limits (MicroProfile Config; each has an environment variable, e.g.
 * {@code STEWARD_CONCURRENCY_TAG_SLOT_WAIT_SECONDS}). The defaults are Prefect's.
 */
@ApplicationScoped
public class ConcurrencySettings {
    /** The longest retry delay suggested for a {@code tag:} limit without decay (Prefect's task-run setting, 10 s). */
    @Inject
    @ConfigProperty(name = "steward.concurrency.tag-slot-wait-seconds", defaultValue = "10")
    private double tagSlotWaitSeconds;

    /** The longest retry delay suggested for other limits without decay (Prefect: 30 s). */
    @Inject
    @ConfigProperty(name = "steward.concurrency.max-slot-wait-seconds", defaultValue = "30")
    private double maxSlotWaitSeconds;

    /**
     * The shortest lease a client may ask for, in seconds. Prefect's is 60; the integration tests lower it so that
     * expiry can be watched without waiting a minute.
     */
    @Inject
    @ConfigProperty(name = "steward.concurrency.lease-min-seconds", defaultValue = "60")
    private double leaseMinSeconds;

    /** How often expired leases are swept and their slots given back. */
    @Inject
    @ConfigProperty(name = "steward.concurrency.lease-sweep-seconds", defaultValue = "5")
    private long leaseSweepSeconds;

    /** The cap on retry delays for a limit of this name. */
    public double maxWaitFor(String limitName) {
        return limitName.startsWith(TagLimits.PREFIX) ? tagSlotWaitSeconds : maxSlotWaitSeconds;
    }

    /** The Retry-After of a v1 increment on a full tag limit. */
    public double tagSlotWaitSeconds() {
        return tagSlotWaitSeconds;
    }

    public double leaseMinSeconds() {
        return leaseMinSeconds;
    }

    public long leaseSweepSeconds() {
        return Math.max(1, leaseSweepSeconds);
    }
}
