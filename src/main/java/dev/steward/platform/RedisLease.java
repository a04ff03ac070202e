package dev.steward.platform;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A lease in Redis that makes a background service run on one instance of the cluster at a time: the key holds the
 * holder's random token for a time to live; the holder renews it on each round, and another instance takes it only
 * once it has expired (its holder stopped or lost Redis). Taking and renewing are one atomic script, so at any
 * moment Redis names one holder. A holder learns it lost the lease only at its next renewal: work that outlasts the
 * time to live may overlap with the next holder's, so what runs under a lease must stay correct when done twice
 * (the scheduler's runs have idempotency keys, the late-run marker goes through the state rules).
 */
public final class RedisLease {
    /** Renews the lease if this token holds it, else takes it if nobody does: 1 when held afterwards. */
    private static final RedisScript HOLD = RedisScript.of("""
            if redis.call('get', KEYS[1]) == ARGV[1] then
              return redis.call('pexpire', KEYS[1], ARGV[2])
            elseif redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return 1
            end
            return 0""");
    private static final RedisScript RELEASE = RedisScript.of("""
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
            return 0""");

    private final Redis redis;
    private final String key;
    private final String token = UUID.randomUUID().toString();

    public RedisLease(Redis redis, String key) {
        this.redis = redis;
        this.key = key;
    }

    /** Takes or renews the lease for {@code ttl}; whether this instance holds it now. */
    public boolean hold(Duration ttl) {
        Object held = HOLD.run(redis, List.of(key), List.of(token, Long.toString(Math.max(1, ttl.toMillis()))));
        return held instanceof Long n && n == 1L;
    }

    /** Gives the lease up if this instance holds it (on shutdown: another instance need not wait for the expiry). */
    public void release() {
        RELEASE.run(redis, List.of(key), List.of(token));
    }

    public String key() {
        return key;
    }
}
