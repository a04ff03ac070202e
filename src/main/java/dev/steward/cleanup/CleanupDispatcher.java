package dev.steward.cleanup;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers cleanup messages to the workers connected to this instance over the worker channel: per work pool, when
 * woken (a message became visible here or, through Redis pub/sub, on another instance; a worker connected or got
 * capacity back) and at the fallback poll, it reserves a message for each connected worker that handles its kind and
 * has fewer deliveries in flight than its {@code max_cleanup_concurrency}, preferring the worker's own queues, and
 * sends it. A delivery that cannot be sent is released at once. A pool is drained by one task at a time on the
 * managed executor; a wake-up during a round makes another round.
 *
 * <p>At-least-once: a message stays reserved until the worker acks it; if the worker never answers, its lease
 * expires and the message is delivered again (to it or another worker). The queue guarantees one active reservation
 * per message; the in-flight map here is only for capacity. A worker that reconnects, here or to another instance,
 * starts with the reservations the queue still records under its name, so it is not sent more than its capacity.
 */
@ApplicationScoped
public class CleanupDispatcher {
    private static final Logger LOG = Logger.getLogger(CleanupDispatcher.class.getName());
    /** The most messages reserved for one worker in one go. */
    static final int RESERVE_AT_ONCE = 16;

    /** A connected worker that accepted cleanup delivery, as the worker channel presents it. */
    public interface Worker {
        PoolKey pool();

        /** The worker's name: its reservations are recorded under it, and found again when it reconnects. */
        String name();

        Set<String> kinds();

        /** The worker's queues, preferred for its deliveries. */
        Set<UUID> queueIds();

        int maxConcurrency();

        /** Sends {@code cleanup.message.v1}; false when the connection could not take it. */
        boolean deliver(CleanupMessage reserved);
    }

    /** Ends a registration when the connection closes. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    @Inject
    CleanupQueue queue;

    @Inject
    CleanupSettings settings;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Map<PoolKey, PoolDispatch> pools = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> poll;

    private static final class Connected {
        final Worker worker;
        /** Deliveries not yet acked or released, by message id: their lease expiry. */
        final Map<UUID, Instant> inFlight = new ConcurrentHashMap<>();

        Connected(Worker worker) {
            this.worker = worker;
        }

        int spareCapacity(Instant now) {
            inFlight.values().removeIf(lease -> !lease.isAfter(now));
            return Math.max(0, worker.maxConcurrency() - inFlight.size());
        }
    }

    private static final class PoolDispatch {
        final Set<Connected> workers = new CopyOnWriteArraySet<>();
        final AtomicBoolean running = new AtomicBoolean();
        volatile boolean again;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        queue.onWakeup(this::wake);
        long every = settings.pollEvery().toMillis();
        poll = scheduler.scheduleWithFixedDelay(() -> pools.keySet().forEach(this::wake), every, every,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (poll != null) poll.cancel(false);
    }

    /** Adds a connected worker, with the deliveries it still holds; its pool is dispatched to at once. */
    public Registration register(Worker worker) {
        Connected c = new Connected(worker);
        try {
            c.inFlight.putAll(queue.reservationsHeldBy(worker.pool(), worker.name()));
        } catch (RuntimeException e) {
            // Redis unreachable: nothing can be delivered either until it is back, and then leases bound the excess
            LOG.log(Level.WARNING, "Deliveries held by " + worker + " not read (" + e.getMessage() + ")");
        }
        LOG.info(() -> "Cleanup delivery to " + worker + ": kinds " + worker.kinds() + ", up to "
                + worker.maxConcurrency() + " at once");
        pools.computeIfAbsent(worker.pool(), p -> new PoolDispatch()).workers.add(c);
        wake(worker.pool());
        return () -> {
            PoolDispatch d = pools.get(worker.pool());
            if (d == null) return;
            d.workers.remove(c);
            pools.computeIfPresent(worker.pool(), (p, existing) -> existing.workers.isEmpty() ? null : existing);
        };
    }

    /** Work of the pool may be deliverable: dispatch unless no worker of the pool is connected here. */
    public void wake(PoolKey pool) {
        PoolDispatch d = pools.get(pool);
        if (d == null) return;
        d.again = true;
        if (d.running.compareAndSet(false, true)) executor.execute(() -> drain(pool, d));
    }

    /** Every pool with a connected worker (after Redis came back: what happened meanwhile is caught up). */
    void wakeAll() {
        pools.keySet().forEach(this::wake);
    }

    private void drain(PoolKey pool, PoolDispatch d) {
        try {
            while (d.again) {
                d.again = false;
                dispatch(pool, d);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cleanup dispatch for pool " + pool.workPoolId() + " failed; the next poll retries", e);
        } finally {
            d.running.set(false);
        }
        // a wake-up between the last round and giving up the turn
        if (d.again && d.running.compareAndSet(false, true)) executor.execute(() -> drain(pool, d));
    }

    /**
     * Rounds over the pool's workers, each round reserving for every worker up to its spare capacity (at most
     * {@link #RESERVE_AT_ONCE}, so one worker does not take a whole backlog from the others in one go), until none has
     * capacity or nothing is ready.
     */
    private void dispatch(PoolKey pool, PoolDispatch d) {
        boolean delivered = true;
        while (delivered) {
            delivered = false;
            for (Connected c : d.workers) {
                int spare = Math.min(c.spareCapacity(Instant.now()), RESERVE_AT_ONCE);
                if (spare == 0) continue;
                for (CleanupMessage m : queue.reserve(pool, c.worker.name(), c.worker.kinds(), c.worker.queueIds(),
                        true, spare)) {
                    c.inFlight.put(m.messageId(), m.leaseExpiresAt());
                    if (c.worker.deliver(m)) {
                        delivered = true;
                        // FINE: at thousands of messages a second, a line each would be the server's biggest log writer
                        LOG.fine(() -> "Cleanup message " + m.messageId() + " (" + m.kind() + ", delivery "
                                + m.deliveryCount() + ") sent to " + c.worker);
                    } else {
                        c.inFlight.remove(m.messageId());
                        queue.release(pool, m.messageId(), m.reservationToken(), "delivery_failed");
                    }
                }
            }
        }
    }

    /**
     * A worker's ack, release or renew, applied to the queue; a delivery that ended (or that the queue no longer
     * knows as current) frees the worker's capacity and wakes the pool.
     */
    public OperationResult operate(Worker worker, String operation, UUID messageId, String token, String reason) {
        PoolKey pool = worker.pool();
        OperationResult result;
        try {
            result = switch (operation) {
                case "ack" -> queue.ack(pool, messageId, token);
                case "release" -> queue.release(pool, messageId, token, reason);
                case "renew" -> queue.renew(pool, messageId, token);
                default -> throw new IllegalArgumentException(operation);
            };
        } catch (RuntimeException e) {
            // Redis unreachable: the worker is told, as Prefect tells it, and may try again
            LOG.log(Level.WARNING, "Cleanup " + operation + " of message " + messageId + " failed", e);
            return OperationResult.refused(messageId, operation, OperationResult.Status.ERROR, OperationResult.FAILED);
        }
        PoolDispatch d = pools.get(pool);
        if (d == null) return result;
        for (Connected c : d.workers) {
            if (c.worker != worker) continue;
            if ("renew".equals(operation) && result.status() == OperationResult.Status.ACCEPTED) {
                Instant lease = result.leaseExpiresAt();
                c.inFlight.computeIfPresent(messageId, (id, old) -> lease);
            } else if (c.inFlight.remove(messageId) != null) {
                wake(pool);
            }
        }
        return result;
    }
}
