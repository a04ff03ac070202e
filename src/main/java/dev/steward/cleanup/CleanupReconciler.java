package dev.steward.cleanup;

import dev.steward.platform.Redis;
import dev.steward.platform.RedisSubscription;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.JedisPubSub;

/**
 * Keeps the cleanup queues moving: every {@code steward.cleanup.reconcile-seconds} (Prefect: 5) it expires overdue
 * leases of every pool, in batches of 100 (Prefect's), back to visible after the backoff or to the dead letters after
 * the last attempt; and it listens on the wake-up channel so that the dispatcher of this instance hears of work made
 * visible on any instance as it commits.
 *
 * <p>Every instance sweeps: a sweep is a series of atomic transitions that each check the lease again, so two
 * sweepers never expire one delivery twice, and no instance has to wait for a lease holder to fail over. When the
 * subscription is lost (Redis restarted), it reconnects with backoff, and on each (re)subscription it catches up:
 * one sweep and a dispatch of every pool with workers here, for whatever was published while it was away.
 */
@ApplicationScoped
public class CleanupReconciler {
    private static final Logger LOG = Logger.getLogger(CleanupReconciler.class.getName());
    static final int BATCH = 100;

    @Inject
    CleanupQueue queue;

    @Inject
    CleanupDispatcher dispatcher;

    @Inject
    CleanupSettings settings;

    @Inject
    Redis redis;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    private volatile RedisSubscription subscription;
    private volatile ScheduledFuture<?> sweeps;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        long every = settings.reconcileEvery().toMillis();
        sweeps = scheduler.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        subscription = RedisSubscription.start(threads, redis, "Cleanup wake-up subscription", () -> new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                // (re)subscribed: what was published while away is not replayed, so catch up
                scheduler.execute(() -> {
                    sweepQuietly();
                    dispatcher.wakeAll();
                });
            }

            @Override
            public void onMessage(String channel, String message) {
                try {
                    dispatcher.wake(PoolKey.decode(message));
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "Ignoring a malformed cleanup wake-up: " + message, e);
                }
            }
        }, (jedis, sub) -> jedis.subscribe(sub, CleanupQueue.WAKEUP_CHANNEL));
    }

    @PreDestroy
    void stop() {
        if (sweeps != null) sweeps.cancel(false);
        if (subscription != null) subscription.stop();
    }

    /** Expires every overdue lease now; what became of them. */
    public CleanupQueue.Expiry sweep() {
        return queue.expireLeases(BATCH);
    }

    private void sweepQuietly() {
        try {
            CleanupQueue.Expiry e = sweep();
            if (e.redelivered() + e.deadLettered() > 0) {
                LOG.info(() -> "Cleanup leases expired: " + e.redelivered() + " redelivered, " + e.deadLettered()
                        + " dead-lettered");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Sweeping cleanup leases failed (" + e.getMessage() + "); trying again next round");
        }
    }

}
