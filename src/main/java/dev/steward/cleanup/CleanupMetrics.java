package dev.steward.cleanup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The cleanup queues' figures on {@code /metrics} (MicroProfile Metrics, Prometheus format): depth (waiting, ready,
 * in flight, dead letters) and totals (enqueued, acked, retries, dead-lettered) over every queue of the cluster, read
 * from Redis at most every two seconds, and the delivery latency measured on this instance (from the time a message
 * became deliverable to its reservation).
 */
@ApplicationScoped
public class CleanupMetrics {
    private static final Logger LOG = Logger.getLogger(CleanupMetrics.class.getName());
    private static final Duration CACHE = Duration.ofSeconds(2);

    @Inject
    CleanupQueue queue;

    @Inject
    MetricRegistry registry;

    private volatile QueueStats totals = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0);
    private volatile Instant readAt = Instant.EPOCH;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Timer latency = registry.timer("steward_cleanup_delivery_latency");
        queue.onReserved(m -> latency.update(Duration.between(m.visibleAt(), Instant.now()).abs()));
        gauge("steward_cleanup_visible", QueueStats::visible);
        gauge("steward_cleanup_ready", QueueStats::ready);
        gauge("steward_cleanup_in_flight", QueueStats::inFlight);
        gauge("steward_cleanup_dead_letters", QueueStats::dead);
        gauge("steward_cleanup_enqueued_total", QueueStats::enqueued);
        gauge("steward_cleanup_acked_total", QueueStats::acked);
        gauge("steward_cleanup_retries_total", QueueStats::retries);
        gauge("steward_cleanup_dead_lettered_total", QueueStats::deadLettered);
    }

    private void gauge(String name, ToLongFunction<QueueStats> figure) {
        registry.gauge(name, () -> figure.applyAsLong(totals()));
    }

    private QueueStats totals() {
        if (Instant.now().isBefore(readAt.plus(CACHE))) return totals;
        try {
            long[] sum = new long[8];
            for (PoolKey pool : queue.pools()) {
                QueueStats s = queue.stats(pool);
                long[] v = {s.visible(), s.ready(), s.inFlight(), s.dead(), s.enqueued(), s.acked(), s.retries(),
                        s.deadLettered()};
                for (int i = 0; i < sum.length; i++) sum[i] += v[i];
            }
            totals = new QueueStats(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Cleanup queue figures not read (Redis down?); showing the last ones", e);
        }
        readAt = Instant.now();
        return totals;
    }
}
