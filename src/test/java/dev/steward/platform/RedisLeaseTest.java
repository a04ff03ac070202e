package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.testing.RealRedis;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The once-per-cluster lease on a real Redis: one holder at a time, renewal, expiry, release. */
class RedisLeaseTest {
    @Test
    void oneHolderAtATimeUntilItExpiresOrIsReleased() throws Exception {
        Redis redis = Redis.at(RealRedis.url());
        String key = "steward:lease:test-" + UUID.randomUUID();
        RedisLease a = new RedisLease(redis, key);
        RedisLease b = new RedisLease(redis, key);
        assertTrue(a.hold(Duration.ofMillis(400)), "a free lease is taken");
        assertFalse(b.hold(Duration.ofMillis(400)), "a held lease is not taken by another instance");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(200);
            assertTrue(a.hold(Duration.ofMillis(400)), "the holder renews it");
            assertFalse(b.hold(Duration.ofMillis(400)), "renewed, it stays with its holder");
        }
        Thread.sleep(600);
        assertTrue(b.hold(Duration.ofMillis(400)), "not renewed, it expires and another instance takes it");
        assertFalse(a.hold(Duration.ofMillis(400)), "the old holder has lost it");
        a.release();
        assertFalse(a.hold(Duration.ofMillis(400)), "releasing a lease one does not hold changes nothing");
        b.release();
        assertTrue(a.hold(Duration.ofMillis(400)), "a released lease is free at once");
        redis.close();
    }
}
