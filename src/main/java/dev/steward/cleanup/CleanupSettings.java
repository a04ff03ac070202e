package dev.steward.cleanup;

import dev.steward.platform.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of the cleanup queue (MicroProfile Config; each has an environment variable, e.g.
 * {@code STEWARD_CLEANUP_LEASE_SECONDS}). Lease and attempts default to Prefect's; backoff and retention are
 * Steward's own. The CANCELLING timeout that feeds the queue keeps its settings' names
 * ({@code steward.cleanup.cancelling-timeout-seconds}, {@code -loop-seconds}), which operators already set, but is
 * orchestration's ({@code orchestration.CancellingTimeouts}).
 */
@ApplicationScoped
public class CleanupSettings {
    @Inject
    @ConfigProperty(name = "steward.cleanup.lease-seconds", defaultValue = "30")
    double leaseSeconds;

    @Inject
    @ConfigProperty(name = "steward.cleanup.max-delivery-attempts", defaultValue = "3")
    int maxDeliveryAttempts;

    /** The wait before the second delivery; it doubles for each further one. */
    @Inject
    @ConfigProperty(name = "steward.cleanup.retry-base-seconds", defaultValue = "1")
    double retryBaseSeconds;

    @Inject
    @ConfigProperty(name = "steward.cleanup.retry-max-seconds", defaultValue = "60")
    double retryMaxSeconds;

    /** The backoff is spread by this fraction either way. */
    @Inject
    @ConfigProperty(name = "steward.cleanup.retry-jitter", defaultValue = "0.2")
    double retryJitter;

    /** How long an acked message keeps its idempotency key (Prefect keeps it for ever). */
    @Inject
    @ConfigProperty(name = "steward.cleanup.acked-retention-seconds", defaultValue = "86400")
    long ackedRetentionSeconds;

    /** How often overdue leases are swept, and the dispatchers' fallback poll (wake-ups make both rarely needed). */
    @Inject
    @ConfigProperty(name = "steward.cleanup.reconcile-seconds", defaultValue = "5")
    double reconcileSeconds;

    @Inject
    @ConfigProperty(name = "steward.cleanup.poll-seconds", defaultValue = "1")
    double pollSeconds;

    public CleanupPolicy policy() {
        return new CleanupPolicy(seconds(leaseSeconds), Math.max(1, maxDeliveryAttempts), seconds(retryBaseSeconds),
                seconds(retryMaxSeconds), Math.max(0, Math.min(1, retryJitter)),
                Duration.ofSeconds(Math.max(1, ackedRetentionSeconds)));
    }

    public Duration reconcileEvery() {
        return atLeast(seconds(reconcileSeconds), 50);
    }

    public Duration pollEvery() {
        return atLeast(seconds(pollSeconds), 50);
    }

    /** The instance's queue: one, shared by the dispatcher, the reconciler, the producer and the API. */
    @Produces
    @Singleton
    CleanupQueue queue(Redis redis) {
        return new CleanupQueue(redis, Clock.systemUTC(), policy());
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.max(0, Math.round(s * 1000)));
    }

    private static Duration atLeast(Duration d, long millis) {
        return d.toMillis() < millis ? Duration.ofMillis(millis) : d;
    }
}
