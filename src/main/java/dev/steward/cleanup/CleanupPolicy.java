package dev.steward.cleanup;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the queue treats deliveries: the lease a reservation gets, how many deliveries a message gets before it is
 * dead-lettered, the backoff before a released or expired message is visible again (exponential from
 * {@code retryBase}, capped at {@code retryMax}, spread by ±{@code jitter} so retries of many messages do not land
 * together; Prefect has none), and how long an acked message keeps its idempotency key (Prefect: for ever).
 */
public record CleanupPolicy(Duration lease, int maxDeliveryAttempts, Duration retryBase, Duration retryMax,
                            double jitter, Duration ackedRetention) {
    /** The wait before delivery {@code deliveriesSoFar + 1}, jittered. */
    Duration backoff(int deliveriesSoFar) {
        long base = retryBase.toMillis();
        if (base <= 0) return Duration.ZERO;
        int doublings = Math.min(Math.max(0, deliveriesSoFar - 1), 30);
        double capped = Math.min(retryMax.toMillis(), base * Math.pow(2, doublings));
        double spread = jitter <= 0 ? 1 : 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofMillis(Math.max(0, Math.round(capped * spread)));
    }
}
