package dev.steward.platform;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A background service's loop that runs on one instance of the cluster at a time: every round, on the container's
 * managed scheduled executor, it takes or renews its {@link RedisLease} (valid for three rounds) and, holding it,
 * does its round. A failed round (database or Redis down) is logged and the next round tries again; stopping
 * gives the lease up so another instance need not wait for it to expire.
 */
public final class LeasedLoop {
    private static final Logger LOG = Logger.getLogger(LeasedLoop.class.getName());

    private final RedisLease lease;
    private final ScheduledFuture<?> task;

    private LeasedLoop(ScheduledExecutorService executor, RedisLease lease, Duration every, Runnable round) {
        this.lease = lease;
        Duration ttl = every.multipliedBy(3).plusSeconds(5);
        this.task = executor.scheduleWithFixedDelay(() -> {
            try {
                if (lease.hold(ttl)) round.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A round of " + lease.key() + " failed; trying again next round", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the loop of the service whose lease is {@code leaseKey}. */
    public static LeasedLoop start(ScheduledExecutorService executor, Redis redis, String leaseKey, Duration every,
                                   Runnable round) {
        return new LeasedLoop(executor, new RedisLease(redis, leaseKey), every, round);
    }

    public void stop() {
        task.cancel(false);
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not release " + lease.key() + "; it expires by itself", e);
        }
    }
}
