package dev.steward.platform;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background services' loops that run on one instance of the cluster at a time: every round, on the container's
 * managed scheduled executor, a loop takes or renews its {@link RedisLease} (valid for three rounds) and, holding it,
 * does its round. A failed round (database or Redis down) is logged and the next round tries again. When the
 * application stops, every loop stops and gives its lease up, so that another instance need not wait for it to expire.
 */
@ApplicationScoped
public class LeasedLoops {
    private static final Logger LOG = Logger.getLogger(LeasedLoops.class.getName());

    @Resource
    ManagedScheduledExecutorService executor;

    @Inject
    Redis redis;

    private final List<Loop> loops = new CopyOnWriteArrayList<>();

    /** Starts the loop of the service whose lease is {@code leaseKey}: {@code round} every {@code every}. */
    public void start(String leaseKey, Duration every, Runnable round) {
        loops.add(new Loop(new RedisLease(redis, leaseKey), every, round));
    }

    @PreDestroy
    void stop() {
        loops.forEach(Loop::stop);
    }

    private final class Loop {
        private final RedisLease lease;
        private final ScheduledFuture<?> task;

        Loop(RedisLease lease, Duration every, Runnable round) {
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

        void stop() {
            task.cancel(false);
            try {
                lease.release();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Could not release " + lease.key() + "; it expires by itself", e);
            }
        }
    }
}
