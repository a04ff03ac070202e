package dev.steward.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.platform.Redis;
import dev.steward.testing.RealRedis;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The reconciler's sweep on a real Redis: every overdue lease, past one batch, back to visible or dead. */
class CleanupReconcilerTest {
    @Test
    void aSweepExpiresEveryOverdueLeaseInBatches() {
        Redis redis = Redis.at(RealRedis.url());
        CleanupQueueTest.ManualClock clock = new CleanupQueueTest.ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, new CleanupPolicy(Duration.ofSeconds(30), 2, Duration.ZERO,
                Duration.ZERO, 0, Duration.ofSeconds(100)));
        CleanupReconciler reconciler = new CleanupReconciler();
        reconciler.queue = q;
        PoolKey pool = new PoolKey(UUID.randomUUID(), UUID.randomUUID());
        int messages = CleanupReconciler.BATCH + 50;
        for (int i = 0; i < messages; i++) {
            q.enqueue(pool, null, UUID.randomUUID(), "k" + i, "cancelling_timeout_teardown.v1",
                    JsonObject.EMPTY_JSON_OBJECT, JsonObject.EMPTY_JSON_OBJECT);
        }
        for (int i = 0; i < messages; i++) q.reserve(pool, "w", null, null, true);
        assertEquals(messages, q.stats(pool).inFlight());
        assertEquals(new CleanupQueue.Expiry(0, 0), reconciler.sweep(), "nothing overdue yet");

        clock.advance(Duration.ofSeconds(31));
        assertEquals(new CleanupQueue.Expiry(messages, 0), reconciler.sweep(), "all of them, past one batch");
        assertEquals(messages, q.stats(pool).ready());
        for (int i = 0; i < messages; i++) q.reserve(pool, "w", null, null, true);
        clock.advance(Duration.ofSeconds(31));
        assertEquals(new CleanupQueue.Expiry(0, messages), reconciler.sweep(), "the last attempts are dead-lettered");
        QueueStats s = q.stats(pool);
        assertEquals(messages, s.dead());
        assertEquals(0, s.inFlight() + s.visible());
        redis.close();
    }
}
