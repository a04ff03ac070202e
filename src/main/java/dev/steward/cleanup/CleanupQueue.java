package dev.steward.cleanup;

import dev.steward.cleanup.CleanupMessage.DeadLetter;
import dev.steward.cleanup.CleanupMessage.State;
import dev.steward.cleanup.OperationResult.Status;
import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import dev.steward.platform.RedisScript;
import dev.steward.platform.RedisTransactions;
import dev.steward.platform.RedisTransactions.Attempt;
import dev.steward.platform.RedisTransactions.Contention;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.SetParams;

/**
 * The cleanup queues on Redis, one per workspace and work pool. Each message is one JSON string (its state,
 * reservation and history), indexed by sorted sets per pool: {@code visible} by the time it may be delivered,
 * {@code reserved} by lease expiry, {@code dead} by the time it was given up; the set of pools lets the reconciler
 * walk every pool's overdue leases.
 *
 * <p>Every transition but the two of the hot path is one optimistic transaction ({@link RedisTransactions}): WATCH
 * the message's key, read it, decide, then MULTI/EXEC the new message together with its index entries, counters and
 * wake-up; a concurrent change of the same message aborts the EXEC and the transition is decided again from the new
 * state, a bounded number of times. Watching only the one message keeps transitions of different messages from
 * aborting each other, and the decisions (backoff with jitter, dead letters, history) stay in Java where they are
 * tested. Reserve and ack, which every message goes through once per delivery, are Lua scripts instead
 * ({@link RedisScript}: {@code reserve.lua}, {@code ack.lua}; why: {@link #reserve}); Redis runs a script alone, so
 * they are as atomic as the transactions. A message never has two active reservations: a reservation is only made of
 * a message that is visible, in one atomic step that makes it reserved; a worker acts on a delivery only through its
 * random reservation token. Scripts store the message as Redis's JSON library writes it: same fields, an empty list
 * as {@code {}} (which {@link CleanupMessage} reads).
 *
 * <p>A transition that makes work visible INCRs the pool's wake-up counter and PUBLISHes on {@link #WAKEUP_CHANNEL}
 * inside the same MULTI, so the dispatchers of other instances wake as the change commits (and never before);
 * this instance's listeners are told directly.
 */
public class CleanupQueue {
    public static final String WAKEUP_CHANNEL = "steward:cleanup:wakeup";
    static final String EXPIRED_REASON = "max_delivery_attempts_reached";
    private static final String PREFIX = "steward:cleanup:";
    private static final String POOLS = PREFIX + "pools";
    private static final int CANDIDATES = 32;
    static final long POOL_SWEEP_MILLIS = 200;
    private static final SecureRandom TOKENS = new SecureRandom();
    private static final RedisScript RESERVE = RedisScript.load(CleanupQueue.class, "reserve.lua");
    private static final RedisScript ACK = RedisScript.load(CleanupQueue.class, "ack.lua");

    private final Redis redis;
    private final Clock clock;
    private final CleanupPolicy policy;
    private final List<Consumer<PoolKey>> wakeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<CleanupMessage>> reserveListeners = new CopyOnWriteArrayList<>();
    /** When this instance last swept each pool's leases before a reservation. */
    private final Map<PoolKey, Long> poolSweeps = new ConcurrentHashMap<>();

    public CleanupQueue(Redis redis, Clock clock, CleanupPolicy policy) {
        this.redis = redis;
        this.clock = clock;
        this.policy = policy;
    }

    /** Called on this instance after a transition made work of the pool visible (the wake-up without Redis). */
    public void onWakeup(Consumer<PoolKey> listener) {
        wakeListeners.add(listener);
    }

    /** Called after each reservation (metrics: delivery latency). */
    public void onReserved(Consumer<CleanupMessage> listener) {
        reserveListeners.add(listener);
    }

    // ---- keys: a message's key carries its workspace (an id of another workspace is not found), the indexes its
    // pool too; the set of pools spans them (one Redis, not a Redis Cluster)

    private static String space(UUID ws) {
        return PREFIX + "{" + ws + "}:";
    }

    private static String messageKey(UUID ws, UUID id) {
        return space(ws) + "m:" + id;
    }

    private static String idempotencyKey(PoolKey pool, String key) {
        return space(pool.workspaceId()) + pool.workPoolId() + ":idem:" + key;
    }

    private static String index(PoolKey pool, String name) {
        return space(pool.workspaceId()) + pool.workPoolId() + ":" + name;
    }

    // ---- transitions

    /**
     * Stores a message unless the pool already has one with this idempotency key or message id (acked ones within
     * the retention, dead letters until purged): then returns that one. A message id reused with another key or pool
     * is a producer bug and is refused.
     */
    public CleanupMessage enqueue(PoolKey pool, UUID workQueueId, UUID messageId, String key, String kind,
                                  JsonObject target, JsonObject data) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("idempotency_key must be non-empty");
        return RedisTransactions.optimistic(redis, tx -> {
            String mKey = messageKey(pool.workspaceId(), messageId);
            String iKey = idempotencyKey(pool, key);
            tx.jedis().watch(mKey, iKey);
            CleanupMessage existing = read(tx.jedis(), mKey);
            if (existing == null) {
                String otherId = tx.jedis().get(iKey);
                if (otherId != null) existing = read(tx.jedis(), messageKey(pool.workspaceId(), UUID.fromString(otherId)));
            }
            if (existing != null) {
                if (!existing.idempotencyKey.equals(key) || !existing.workPoolId.equals(pool.workPoolId())) {
                    throw new IllegalArgumentException("message_id is already associated with a different cleanup message");
                }
                return existing;
            }
            Instant now = clock.instant();
            CleanupMessage m = new CleanupMessage(messageId, key, pool.workspaceId(), pool.workPoolId(), workQueueId,
                    kind, target, data, now);
            Transaction t = tx.multi();
            t.set(mKey, m.serialize());
            t.set(iKey, messageId.toString());
            t.zadd(index(pool, "visible"), now.toEpochMilli(), messageId.toString());
            t.sadd(POOLS, pool.encoded());
            t.hincrBy(index(pool, "stats"), "enqueued", 1);
            wake(tx, pool);
            return tx.exec(m);
        });
    }

    /** Reserves one message, as {@link #reserve(PoolKey, String, Set, Set, boolean, int)}; null when none is ready. */
    public CleanupMessage reserve(PoolKey pool, String holder, Set<String> kinds, Set<UUID> preferredQueues,
                                  boolean fallbackToAnyQueue) {
        List<CleanupMessage> one = reserve(pool, holder, kinds, preferredQueues, fallbackToAnyQueue, 1);
        return one.isEmpty() ? null : one.get(0);
    }

    /**
     * Reserves, for the worker {@code holder}, up to {@code max} of the oldest messages of the pool that may be
     * delivered now, of one of {@code kinds} (all when null), preferring the given work queues (then any queue when
     * {@code fallbackToAnyQueue}): each one's delivery count goes up, it gets a lease and its own random token.
     * Expires the pool's overdue leases first, as Prefect does, at most every {@link #POOL_SWEEP_MILLIS} per pool (a
     * sweep on every reservation was one Redis command in 16 per delivered message). Empty when nothing is ready.
     *
     * <p>A Lua script ({@code reserve.lua}), not an optimistic transaction: reserving is the hot path, and under
     * WATCH it costs a read of the candidates, a WATCH, a GET and the MULTI/EXEC per candidate, while concurrent
     * reservers that read the same candidates abort each other's EXEC and go round again (bench/cleanup.sh counted
     * 24.5 Redis commands per reserved and acked message with 8 reservers on one pool). The script takes the first
     * eligible messages in one round trip, and Redis runs it alone, so two reservers can never take one message.
     * Several at once, for a worker with that much spare capacity, share the round trip and the candidates' read.
     */
    public List<CleanupMessage> reserve(PoolKey pool, String holder, Set<String> kinds, Set<UUID> preferredQueues,
                                        boolean fallbackToAnyQueue, int max) {
        List<CleanupMessage> reserved = new ArrayList<>();
        if (max < 1) return reserved;
        long nowMillis = clock.millis();
        Long swept = poolSweeps.get(pool);
        if (swept == null || nowMillis - swept >= POOL_SWEEP_MILLIS || nowMillis < swept) {
            poolSweeps.put(pool, nowMillis);
            expireLeases(pool, 100);
        }
        List<Set<UUID>> passes = new ArrayList<>();
        if (preferredQueues == null) {
            passes.add(null);
        } else {
            passes.add(preferredQueues);
            if (fallbackToAnyQueue) passes.add(null);
        }
        String kindsJson = kinds == null ? "" : jsonArray(kinds);
        for (Set<UUID> queues : passes) {
            String queuesJson = queues == null ? "" : jsonArray(queues.stream().map(UUID::toString).toList());
            int offset = 0;
            String outcome = "more";
            while (reserved.size() < max && !outcome.equals("none")) {
                Instant now = clock.instant();
                Instant until = now.plus(policy.lease());
                List<String> tokens = new ArrayList<>();
                for (int i = reserved.size(); i < max; i++) tokens.add(newToken());
                List<?> answer = (List<?>) RESERVE.run(redis,
                        List.of(index(pool, "visible"), index(pool, "reserved")),
                        List.of(String.valueOf(now.toEpochMilli()), now.toString(), String.valueOf(until.toEpochMilli()),
                                until.toString(), String.join(",", tokens), holder == null ? "" : holder,
                                String.valueOf(policy.maxDeliveryAttempts()), space(pool.workspaceId()) + "m:",
                                String.valueOf(offset), String.valueOf(CANDIDATES), kindsJson, queuesJson));
                for (Object stored : answer.subList(2, answer.size())) {
                    CleanupMessage m = CleanupMessage.parse((String) stored);
                    for (Consumer<CleanupMessage> l : reserveListeners) l.accept(m);
                    reserved.add(m);
                }
                outcome = (String) answer.get(0);
                String detail = (String) answer.get(1);
                if (outcome.equals("limit")) {
                    // the limit was lowered since this message was last released: it goes to the dead letters
                    deadLetterExhausted(pool, UUID.fromString(detail));
                } else if (outcome.equals("more")) {
                    offset = Integer.parseInt(detail);
                }
            }
            if (reserved.size() == max) break;
        }
        return reserved;
    }

    /** Dead-letters a visible message that has had all its deliveries. */
    private void deadLetterExhausted(PoolKey pool, UUID id) {
        onMessage(pool.workspaceId(), id, (tx, m) -> {
            if (m == null || m.state != State.VISIBLE || m.deliveryCount < policy.maxDeliveryAttempts()) return null;
            tx.multi();
            deadLetter(tx, pool, m, clock.instant(), null, null, null);
            return tx.exec(null);
        });
    }

    /**
     * Completes a delivery: the message is done; its idempotency key is kept for the acked retention. A Lua script
     * ({@code ack.lua}) for the same reason as {@link #reserve}: one round trip on the hot path instead of WATCH, GET
     * and MULTI/EXEC. A delivery whose lease has run out is left to the optimistic path, which ends it with its
     * backoff or dead letter.
     */
    public OperationResult ack(PoolKey pool, UUID id, String token) {
        Instant now = clock.instant();
        long keep = Math.max(1, policy.ackedRetention().toMillis());
        String status = (String) ACK.run(redis,
                List.of(messageKey(pool.workspaceId(), id), index(pool, "reserved"), index(pool, "stats")),
                List.of(token == null ? "" : token, pool.workPoolId().toString(), String.valueOf(now.toEpochMilli()),
                        now.toString(), String.valueOf(keep), index(pool, "idem:"), id.toString()));
        return switch (status) {
            case "accepted" -> OperationResult.accepted(id, "ack");
            case "not_found" -> refused(id, "ack", Status.NOT_FOUND);
            case "unauthorized" -> refused(id, "ack", Status.UNAUTHORIZED);
            case "not_current" -> refused(id, "ack", Status.NOT_CURRENT);
            case "invalid_token" -> refused(id, "ack", Status.INVALID_TOKEN);
            // expired: operate() finds the lease over and ends the delivery (or, when it ends within this very
            // millisecond, still in time, acks it the optimistic way)
            default -> operate(pool, id, token, "ack", (tx, m) -> {
                Instant at = clock.instant();
                m.endDelivery(at, "acked", null);
                m.state = State.ACKED;
                m.ackedAt = at;
                Transaction t = tx.multi();
                t.set(messageKey(pool.workspaceId(), id), m.serialize(), SetParams.setParams().px(keep));
                t.pexpire(idempotencyKey(pool, m.idempotencyKey), keep);
                unreserve(t, pool, id);
                t.hincrBy(index(pool, "stats"), "acked", 1);
                return tx.exec(OperationResult.accepted(id, "ack"));
            });
        };
    }

    /**
     * Gives a delivery up without completing it: the message is visible again after the backoff, or dead-lettered
     * when this was its last delivery.
     */
    public OperationResult release(PoolKey pool, UUID id, String token, String reason) {
        if (reason == null || reason.isEmpty()) throw new IllegalArgumentException("release reason must be non-empty");
        return operate(pool, id, token, "release", (tx, m) -> {
            Instant now = clock.instant();
            tx.multi();
            if (endDelivery(tx, pool, m, now, "released", reason)) {
                return tx.exec(new OperationResult(id, "release", Status.DEAD_LETTERED, null, EXPIRED_REASON, m));
            }
            return tx.exec(OperationResult.accepted(id, "release"));
        });
    }

    /** Extends the current delivery's lease by the policy's lease from now; the delivery count stays. */
    public OperationResult renew(PoolKey pool, UUID id, String token) {
        return operate(pool, id, token, "renew", (tx, m) -> {
            Instant now = clock.instant();
            m.leaseExpiresAt = now.plus(policy.lease());
            m.updatedAt = now;
            Transaction t = tx.multi();
            t.set(messageKey(pool.workspaceId(), id), m.serialize());
            lease(t, pool, m);
            return tx.exec(new OperationResult(id, "renew", Status.ACCEPTED, m.leaseExpiresAt, null, null));
        });
    }

    /** What ack, release and renew check first, in Prefect's order, before {@code action} runs on the message. */
    private OperationResult operate(PoolKey pool, UUID id, String token, String operation,
                                    Step<OperationResult> action) {
        try {
            return onMessage(pool.workspaceId(), id, (tx, m) -> {
                if (m == null || m.state == State.ACKED || m.state == State.DEAD) {
                    return refused(id, operation, Status.NOT_FOUND);
                }
                if (!m.workPoolId.equals(pool.workPoolId())) return refused(id, operation, Status.UNAUTHORIZED);
                if (m.state != State.RESERVED) return refused(id, operation, Status.NOT_CURRENT);
                if (!m.reservationToken.equals(token)) return refused(id, operation, Status.INVALID_TOKEN);
                Instant now = clock.instant();
                if (!m.leaseExpiresAt.isAfter(now)) {
                    tx.multi();
                    boolean dead = endDelivery(tx, pool, m, now, "expired", "lease_expired");
                    return tx.exec(dead
                            ? new OperationResult(id, operation, Status.DEAD_LETTERED, null, EXPIRED_REASON, m)
                            : OperationResult.refused(id, operation, Status.EXPIRED, "lease_expired"));
                }
                return action.apply(tx, m);
            });
        } catch (Contention e) {
            return OperationResult.refused(id, operation, Status.ERROR, OperationResult.FAILED);
        }
    }

    /** A refusal with Prefect's reason for its status. */
    private static OperationResult refused(UUID id, String operation, Status status) {
        String reason = switch (status) {
            case NOT_FOUND -> "message_not_found";
            case UNAUTHORIZED -> "work_pool_mismatch";
            case NOT_CURRENT -> "no_active_reservation";
            case INVALID_TOKEN -> "reservation_token_mismatch";
            default -> throw new IllegalArgumentException(status.name());
        };
        return OperationResult.refused(id, operation, status, reason);
    }

    /** Counts of one sweep of overdue leases. */
    public record Expiry(int redelivered, int deadLettered) {
        Expiry plus(Expiry other) {
            return new Expiry(redelivered + other.redelivered, deadLettered + other.deadLettered);
        }
    }

    /**
     * Expires every overdue lease of every pool, {@code batch} at a time (the reconciler's sweep). It walks the
     * pools rather than keeping one index of every lease: that index cost each delivery two more Redis commands,
     * and the sweep runs only every few seconds.
     */
    public Expiry expireLeases(int batch) {
        Expiry total = new Expiry(0, 0);
        for (PoolKey pool : pools()) {
            Expiry e;
            do {
                e = expireLeases(pool, batch);
                total = total.plus(e);
            } while (e.redelivered() + e.deadLettered() == batch);
        }
        return total;
    }

    /** Expires up to {@code limit} overdue leases of one pool. */
    public Expiry expireLeases(PoolKey pool, int limit) {
        List<String> due;
        try (Connection c = redis.pool().getPool().getResource()) {
            due = new Jedis(c).zrangeByScore(index(pool, "reserved"), Double.NEGATIVE_INFINITY, clock.millis(), 0,
                    limit);
        }
        Expiry total = new Expiry(0, 0);
        for (String id : due) total = total.plus(expireOne(pool, UUID.fromString(id)));
        return total;
    }

    private Expiry expireOne(PoolKey pool, UUID id) {
        return onMessage(pool.workspaceId(), id, (tx, m) -> {
            Instant now = clock.instant();
            if (m == null || m.state != State.RESERVED) {
                // a stale index entry (the message was acked or purged meanwhile): drop it
                unreserve(tx.multi(), pool, id);
                return tx.exec(new Expiry(0, 0));
            }
            if (m.leaseExpiresAt.isAfter(now)) return new Expiry(0, 0);
            tx.multi();
            boolean dead = endDelivery(tx, pool, m, now, "expired", "lease_expired");
            return tx.exec(dead ? new Expiry(0, 1) : new Expiry(1, 0));
        });
    }

    /**
     * Ends the current delivery (released or expired): the message is visible again after the backoff, or, after
     * its last attempt, dead-lettered with the reservation it had. True when dead-lettered.
     */
    private boolean endDelivery(Attempt tx, PoolKey pool, CleanupMessage m, Instant now, String outcome, String reason) {
        String token = m.reservationToken;
        Instant lease = m.leaseExpiresAt;
        m.endDelivery(now, outcome, reason);
        if (m.deliveryCount >= policy.maxDeliveryAttempts()) {
            deadLetter(tx, pool, m, now, token, lease, "released".equals(outcome) ? reason : null);
            return true;
        }
        m.state = State.VISIBLE;
        m.visibleAt = now.plus(policy.backoff(m.deliveryCount));
        Transaction t = tx.transaction();
        t.set(messageKey(pool.workspaceId(), m.messageId), m.serialize());
        unreserve(t, pool, m.messageId);
        t.zadd(index(pool, "visible"), m.visibleAt.toEpochMilli(), m.messageId.toString());
        t.hincrBy(index(pool, "stats"), "retries", 1);
        wake(tx, pool);
        return false;
    }

    private void deadLetter(Attempt tx, PoolKey pool, CleanupMessage m, Instant now, String token, Instant lease,
                            String releaseReason) {
        m.state = State.DEAD;
        m.updatedAt = now;
        m.deadLetter = new DeadLetter(EXPIRED_REASON, m.deliveryCount, now, token, lease, releaseReason);
        Transaction t = tx.transaction();
        t.set(messageKey(pool.workspaceId(), m.messageId), m.serialize());
        unreserve(t, pool, m.messageId);
        t.zrem(index(pool, "visible"), m.messageId.toString());
        t.zadd(index(pool, "dead"), now.toEpochMilli(), m.messageId.toString());
        t.hincrBy(index(pool, "stats"), "dead_lettered", 1);
    }

    private static void lease(Transaction t, PoolKey pool, CleanupMessage m) {
        t.zadd(index(pool, "reserved"), m.leaseExpiresAt.toEpochMilli(), m.messageId.toString());
    }

    private static void unreserve(Transaction t, PoolKey pool, UUID id) {
        t.zrem(index(pool, "reserved"), id.toString());
    }

    // ---- dead letters: read, redrive, purge (beyond Prefect, which only reads them)

    /** A message of the pool in any state, or null (another pool's messages are not found). */
    public CleanupMessage read(PoolKey pool, UUID id) {
        try (Connection c = redis.pool().getPool().getResource()) {
            CleanupMessage m = read(new Jedis(c), messageKey(pool.workspaceId(), id));
            return m != null && m.workPoolId.equals(pool.workPoolId()) ? m : null;
        }
    }

    /** The pool's dead letter of this id, or null. */
    public CleanupMessage readDeadLetter(PoolKey pool, UUID id) {
        CleanupMessage m = read(pool, id);
        return m != null && m.state == State.DEAD ? m : null;
    }

    /** The pool's dead letters, newest first. */
    public List<CleanupMessage> deadLetters(PoolKey pool, int offset, int limit) {
        try (Connection c = redis.pool().getPool().getResource()) {
            Jedis j = new Jedis(c);
            List<String> ids = j.zrevrange(index(pool, "dead"), offset, offset + (long) limit - 1);
            List<CleanupMessage> out = new ArrayList<>();
            if (ids.isEmpty()) return out;
            List<String> raws = j.mget(ids.stream().map(id -> messageKey(pool.workspaceId(), UUID.fromString(id)))
                    .toArray(String[]::new));
            for (String raw : raws) {
                if (raw == null) continue;
                CleanupMessage m = CleanupMessage.parse(raw);
                if (m.state == State.DEAD) out.add(m);
            }
            return out;
        }
    }

    /**
     * Puts a dead letter back in the queue with a fresh count of deliveries; its history keeps the earlier ones and
     * the dead letter's reason. False when the pool has no such dead letter.
     */
    public boolean redrive(PoolKey pool, UUID id) {
        return onMessage(pool.workspaceId(), id, (tx, m) -> {
            String mKey = messageKey(pool.workspaceId(), id);
            if (m == null || m.state != State.DEAD || !m.workPoolId.equals(pool.workPoolId())) return false;
            Instant now = clock.instant();
            m.history.add(new CleanupMessage.Delivery(m.deliveryCount, null, null, now, "redriven",
                    m.deadLetter.reason()));
            m.deadLetter = null;
            m.deliveryCount = 0;
            m.state = State.VISIBLE;
            m.visibleAt = now;
            m.updatedAt = now;
            Transaction t = tx.multi();
            t.set(mKey, m.serialize());
            t.zrem(index(pool, "dead"), id.toString());
            t.zadd(index(pool, "visible"), now.toEpochMilli(), id.toString());
            wake(tx, pool);
            return tx.exec(true);
        });
    }

    /** Deletes a dead letter and its idempotency key (a producer may enqueue the same cleanup again). */
    public boolean purge(PoolKey pool, UUID id) {
        return onMessage(pool.workspaceId(), id, (tx, m) -> {
            if (m == null || m.state != State.DEAD || !m.workPoolId.equals(pool.workPoolId())) return false;
            Transaction t = tx.multi();
            t.del(messageKey(pool.workspaceId(), id));
            t.del(idempotencyKey(pool, m.idempotencyKey));
            t.zrem(index(pool, "dead"), id.toString());
            return tx.exec(true);
        });
    }

    // ---- inspection

    /**
     * The active reservations of the pool delivered to the worker {@code holder}, with their lease expiry: what a
     * worker that reconnects (to this instance or another) still has in hand, so its capacity is not overcounted.
     */
    public Map<UUID, Instant> reservationsHeldBy(PoolKey pool, String holder) {
        try (Connection c = redis.pool().getPool().getResource()) {
            Jedis j = new Jedis(c);
            List<String> ids = j.zrangeByScore(index(pool, "reserved"), clock.millis(), Double.POSITIVE_INFINITY);
            Map<UUID, Instant> held = new java.util.HashMap<>();
            if (ids.isEmpty()) return held;
            List<String> raws = j.mget(ids.stream().map(id -> messageKey(pool.workspaceId(), UUID.fromString(id)))
                    .toArray(String[]::new));
            Instant now = clock.instant();
            for (String raw : raws) {
                if (raw == null) continue;
                CleanupMessage m = CleanupMessage.parse(raw);
                if (m.state == State.RESERVED && holder.equals(m.reservedBy) && m.leaseExpiresAt.isAfter(now)) {
                    held.put(m.messageId, m.leaseExpiresAt);
                }
            }
            return held;
        }
    }

    public QueueStats stats(PoolKey pool) {
        try (Connection c = redis.pool().getPool().getResource()) {
            Jedis j = new Jedis(c);
            String visible = index(pool, "visible");
            Map<String, String> counters = j.hgetAll(index(pool, "stats"));
            return new QueueStats(j.zcard(visible), j.zcount(visible, Double.NEGATIVE_INFINITY, clock.millis()),
                    j.zcard(index(pool, "reserved")), j.zcard(index(pool, "dead")), count(counters, "enqueued"),
                    count(counters, "acked"), count(counters, "retries"), count(counters, "dead_lettered"));
        }
    }

    /** Every pool that ever had a message. */
    public Set<PoolKey> pools() {
        try (Connection c = redis.pool().getPool().getResource()) {
            Set<PoolKey> out = new java.util.HashSet<>();
            for (String p : new Jedis(c).smembers(POOLS)) out.add(PoolKey.decode(p));
            return out;
        }
    }

    /** The pool's wake-up sequence: it only grows, so a dispatcher that saw it unchanged missed nothing. */
    public long wakeupSequence(PoolKey pool) {
        try (Connection c = redis.pool().getPool().getResource()) {
            String v = new Jedis(c).get(index(pool, "wakeup"));
            return v == null ? 0 : Long.parseLong(v);
        }
    }

    private static long count(Map<String, String> counters, String name) {
        String v = counters.get(name);
        return v == null ? 0 : Long.parseLong(v);
    }

    // ---- plumbing: each transition is an optimistic transaction on its message (RedisTransactions)

    /** A transition's decision on the message as read under WATCH (null when there is none). */
    private interface Step<T> {
        T apply(Attempt tx, CleanupMessage m);
    }

    /** {@link RedisTransactions#optimistic} on one message: WATCHes its key and reads it for {@code step}. */
    private <T> T onMessage(UUID ws, UUID id, Step<T> step) {
        return RedisTransactions.optimistic(redis, tx -> {
            String key = messageKey(ws, id);
            tx.jedis().watch(key);
            return step.apply(tx, read(tx.jedis(), key));
        });
    }

    /** INCRs the pool's wake-up sequence and PUBLISHes it inside the MULTI; tells this instance once committed. */
    private void wake(Attempt tx, PoolKey pool) {
        Transaction t = tx.transaction();
        t.incr(index(pool, "wakeup"));
        t.publish(WAKEUP_CHANNEL, pool.encoded());
        tx.afterCommit(() -> wakeListeners.forEach(l -> l.accept(pool)));
    }

    private static CleanupMessage read(Jedis j, String key) {
        String raw = j.get(key);
        return raw == null ? null : CleanupMessage.parse(raw);
    }

    private static String jsonArray(Collection<String> values) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        values.forEach(b::add);
        return b.build().toString();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        TOKENS.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
