package dev.steward.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.cleanup.CleanupMessage.State;
import dev.steward.cleanup.OperationResult.Status;
import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import dev.steward.testing.RealRedis;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;

/** Every transition of the cleanup queue and its answers, on a real Redis; races of many threads on one message. */
class CleanupQueueTest {
    private static final String KIND = "cancelling_timeout_teardown.v1";
    private static Redis redis;

    /**
     * A clock the tests move by hand, so lease expiry and backoff need no sleeping. Each starts a day before the
     * last, so a sweep of every pool's leases never reaches the leases earlier tests left behind.
     */
    static final class ManualClock extends Clock {
        private static final AtomicInteger CLOCKS = new AtomicInteger();
        volatile Instant now = Instant.parse("2026-06-01T12:00:00Z").minus(Duration.ofDays(CLOCKS.incrementAndGet()));

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void connect() {
        redis = Redis.at(RealRedis.url());
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    private static PoolKey newPool() {
        return new PoolKey(UUID.randomUUID(), UUID.randomUUID());
    }

    private static JsonObject target(UUID run) {
        return Json.createObjectBuilder().add("flow_run_id", run.toString()).add("infrastructure_pid", "1234").build();
    }

    private static CleanupMessage enqueue(CleanupQueue q, PoolKey pool, String key) {
        return q.enqueue(pool, null, UUID.randomUUID(), key, KIND, target(UUID.randomUUID()), JsonObject.EMPTY_JSON_OBJECT);
    }

    private static CleanupPolicy policy(Duration retryBase) {
        return new CleanupPolicy(Duration.ofSeconds(30), 3, retryBase, Duration.ofSeconds(60), 0.2, Duration.ofSeconds(100));
    }

    @Test
    void enqueueIsIdempotentByKeyAndByMessageId() {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage first = enqueue(q, pool, "k1");
        CleanupMessage again = q.enqueue(pool, null, UUID.randomUUID(), "k1", KIND, target(UUID.randomUUID()),
                JsonObject.EMPTY_JSON_OBJECT);
        assertEquals(first.messageId(), again.messageId(), "the same key gives back the first message");
        assertEquals(first.messageId(), q.enqueue(pool, null, first.messageId(), "k1", KIND, first.target(),
                JsonObject.EMPTY_JSON_OBJECT).messageId());
        assertThrows(IllegalArgumentException.class, () -> q.enqueue(pool, null, first.messageId(), "other", KIND,
                first.target(), JsonObject.EMPTY_JSON_OBJECT), "a message id reused with another key is refused");
        CleanupMessage elsewhere = enqueue(q, newPool(), "k1");
        assertNotEquals(first.messageId(), elsewhere.messageId(), "keys are per pool");
        assertEquals(1, q.stats(pool).visible());
        assertEquals(1, q.stats(pool).enqueued());
    }

    @Test
    void reserveGivesATokenALeaseAndCountsTheDelivery() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r = q.reserve(pool, "w", null, null, true);
        assertEquals(m.messageId(), r.messageId());
        assertEquals(1, r.deliveryCount());
        assertEquals(State.RESERVED, r.state());
        assertTrue(r.reservationToken().length() >= 40, "an unguessable token");
        assertEquals(clock.now.plusSeconds(30), r.leaseExpiresAt());
        assertNull(q.reserve(pool, "w", null, null, true), "a reserved message is not reserved again");
        QueueStats s = q.stats(pool);
        assertEquals(0, s.visible());
        assertEquals(1, s.inFlight());
    }


    @Test
    void aWorkersActiveReservationsAreFoundByItsName() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, policy(Duration.ZERO));
        PoolKey pool = newPool();
        for (int i = 0; i < 4; i++) enqueue(q, pool, "k" + i);
        CleanupMessage a1 = q.reserve(pool, "a", null, null, true);
        CleanupMessage a2 = q.reserve(pool, "a", null, null, true);
        CleanupMessage b = q.reserve(pool, "b", null, null, true);
        assertEquals("a", a1.reservedBy());
        assertEquals(Set.of(a1.messageId(), a2.messageId()), q.reservationsHeldBy(pool, "a").keySet());
        assertEquals(a1.leaseExpiresAt(), q.reservationsHeldBy(pool, "a").get(a1.messageId()));
        assertEquals(Status.ACCEPTED, q.ack(pool, a2.messageId(), a2.reservationToken()).status());
        assertEquals(Set.of(a1.messageId()), q.reservationsHeldBy(pool, "a").keySet(), "an acked one is no longer held");
        assertEquals(Set.of(b.messageId()), q.reservationsHeldBy(pool, "b").keySet());
        clock.advance(Duration.ofSeconds(31));
        assertTrue(q.reservationsHeldBy(pool, "a").isEmpty(), "nor one whose lease ran out");
        assertEquals("a", q.read(pool, a1.messageId()).reservedBy(), "(not yet swept)");
        q.expireLeases(pool, 10);
        assertEquals("a", q.read(pool, a1.messageId()).history().get(0).worker(), "the history names the worker");
    }

    @Test
    void aMessageWithNoDeliveriesLeftUnderALoweredLimitIsDeadLetteredNotReserved() {
        // one clock for both, moved on between the release and the next enqueue: in the same millisecond the two
        // would tie in the visible set, and Redis orders ties by id, which may put the other one first
        ManualClock clock = new ManualClock();
        CleanupQueue generous = new CleanupQueue(redis, clock, policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(generous, pool, "k");
        CleanupMessage r = generous.reserve(pool, "w", null, null, true);
        assertEquals(Status.ACCEPTED, generous.release(pool, m.messageId(), r.reservationToken(), "busy").status());
        clock.advance(Duration.ofMillis(5));
        CleanupMessage other = enqueue(generous, pool, "k2");
        clock.advance(Duration.ofMillis(5));
        CleanupQueue strict = new CleanupQueue(redis, clock, new CleanupPolicy(Duration.ofSeconds(30), 1,
                Duration.ZERO, Duration.ofSeconds(60), 0.2, Duration.ofSeconds(100)));
        assertEquals(other.messageId(), strict.reserve(pool, "w", null, null, true).messageId(),
                "the exhausted message is skipped for the next one");
        CleanupMessage dead = strict.read(pool, m.messageId());
        assertEquals(State.DEAD, dead.state());
        assertEquals(1, dead.deadLetter().finalDeliveryCount());
        assertEquals(1, strict.stats(pool).dead());
    }

    @Test
    void reserveFiltersByKindAndPrefersTheWorkersQueues() {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        UUID queueA = UUID.randomUUID();
        UUID queueB = UUID.randomUUID();
        CleanupMessage inA = q.enqueue(pool, queueA, UUID.randomUUID(), "a", KIND, target(UUID.randomUUID()), JsonObject.EMPTY_JSON_OBJECT);
        CleanupMessage inB = q.enqueue(pool, queueB, UUID.randomUUID(), "b", KIND, target(UUID.randomUUID()), JsonObject.EMPTY_JSON_OBJECT);
        assertNull(q.reserve(pool, "w", Set.of("pending_claim_teardown.v1"), null, true), "no message of that kind");
        assertEquals(inB.messageId(), q.reserve(pool, "w", Set.of(KIND), Set.of(queueB), false).messageId(),
                "the preferred queue's message first, though it is younger");
        assertNull(q.reserve(pool, "w", null, Set.of(queueB), false), "without fallback, only the preferred queues");
        assertEquals(inA.messageId(), q.reserve(pool, "w", null, Set.of(queueB), true).messageId(), "with fallback, any");
        CleanupMessage noQueue = q.enqueue(pool, null, UUID.randomUUID(), "n", KIND, target(UUID.randomUUID()),
                JsonObject.EMPTY_JSON_OBJECT);
        assertNull(q.reserve(pool, "w", null, Set.of(queueB), false), "a message without a queue is in no preferred one");
        assertEquals(noQueue.messageId(), q.reserve(pool, "w", null, Set.of(queueB), true).messageId(),
                "but is delivered in the pass over any queue");
    }

    private static Set<UUID> ids(List<CleanupMessage> messages) {
        return messages.stream().map(CleanupMessage::messageId).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void severalAreReservedAtOnceEachWithItsOwnToken() {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        UUID queueA = UUID.randomUUID();
        UUID queueB = UUID.randomUUID();
        List<UUID> inA = new ArrayList<>();
        List<UUID> inB = new ArrayList<>();
        // more than one script call's candidates (32) in A before the younger ones in B
        for (int i = 0; i < 40; i++) {
            inA.add(q.enqueue(pool, queueA, UUID.randomUUID(), "a" + i, KIND, target(UUID.randomUUID()),
                    JsonObject.EMPTY_JSON_OBJECT).messageId());
        }
        for (int i = 0; i < 5; i++) {
            inB.add(q.enqueue(pool, queueB, UUID.randomUUID(), "b" + i, KIND, target(UUID.randomUUID()),
                    JsonObject.EMPTY_JSON_OBJECT).messageId());
        }
        // (messages enqueued within one millisecond are ordered by id: compare as sets)
        List<CleanupMessage> fromB = q.reserve(pool, "w", null, Set.of(queueB), false, 10);
        assertEquals(Set.copyOf(inB), ids(fromB), "found past the first candidates");
        List<CleanupMessage> fromA = q.reserve(pool, "w", null, null, true, 35);
        assertEquals(35, ids(fromA).size(), "35 across two calls, none skipped where the first call took its candidates");
        assertTrue(inA.containsAll(ids(fromA)));
        List<CleanupMessage> all = new ArrayList<>(fromB);
        all.addAll(fromA);
        assertEquals(all.size(), all.stream().map(CleanupMessage::reservationToken).distinct().count(), "a token each");
        for (CleanupMessage m : all) {
            CleanupMessage stored = q.read(pool, m.messageId());
            assertEquals(State.RESERVED, stored.state());
            assertEquals(m.reservationToken(), stored.reservationToken());
            assertEquals("w", stored.reservedBy());
            assertEquals(1, stored.deliveryCount());
        }
        assertEquals(40, q.stats(pool).inFlight());
        Set<UUID> rest = new java.util.HashSet<>(inA);
        rest.removeAll(ids(fromA));
        assertEquals(rest, ids(q.reserve(pool, "w", null, null, true, 50)), "fewer than asked when fewer are ready");
        assertTrue(q.reserve(pool, "w", null, null, true, 50).isEmpty());
        assertEquals(Status.ACCEPTED, q.ack(pool, fromA.get(7).messageId(), fromA.get(7).reservationToken()).status());
        assertEquals(Status.INVALID_TOKEN, q.ack(pool, fromA.get(8).messageId(), fromA.get(9).reservationToken()).status(),
                "one delivery's token does not ack another's");
    }

    @Test
    void ackCompletesAndKeepsTheKeyForTheRetention() {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r = q.reserve(pool, "w", null, null, true);
        OperationResult ack = q.ack(pool, m.messageId(), r.reservationToken());
        assertEquals(Status.ACCEPTED, ack.status());
        assertNull(ack.reason());
        assertEquals(Status.NOT_FOUND, q.ack(pool, m.messageId(), r.reservationToken()).status(),
                "an acked message is no longer found");
        assertEquals("message_not_found", q.renew(pool, m.messageId(), r.reservationToken()).reason());
        assertEquals(m.messageId(), enqueue(q, pool, "k").messageId(), "the acked key still dedupes");
        assertNull(q.reserve(pool, "w", null, null, true), "and nothing is queued again");
        long ttl = redis.pool().pttl("steward:cleanup:{" + pool.workspaceId() + "}:m:" + m.messageId());
        assertTrue(ttl > 90_000 && ttl <= 100_000, "the acked record expires after the retention: " + ttl);
        assertEquals(1, q.stats(pool).acked());
        assertEquals(List.of("acked"), q.read(pool, m.messageId()).history().stream().map(CleanupMessage.Delivery::outcome).toList());
    }

    @Test
    void operationsCheckPoolReservationAndTokenInPrefectsOrder() {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        assertEquals(Status.NOT_CURRENT, q.ack(pool, m.messageId(), "x").status(), "not reserved");
        assertEquals("no_active_reservation", q.renew(pool, m.messageId(), "x").reason());
        CleanupMessage r = q.reserve(pool, "w", null, null, true);
        OperationResult wrongPool = q.ack(new PoolKey(pool.workspaceId(), UUID.randomUUID()), m.messageId(),
                r.reservationToken());
        assertEquals(Status.UNAUTHORIZED, wrongPool.status());
        assertEquals("work_pool_mismatch", wrongPool.reason());
        assertEquals(Status.NOT_FOUND, q.ack(new PoolKey(UUID.randomUUID(), pool.workPoolId()), m.messageId(),
                r.reservationToken()).status(), "another workspace's message is not found");
        OperationResult wrongToken = q.release(pool, m.messageId(), "guess", "because");
        assertEquals(Status.INVALID_TOKEN, wrongToken.status());
        assertEquals("reservation_token_mismatch", wrongToken.reason());
        assertEquals(Status.NOT_FOUND, q.ack(pool, UUID.randomUUID(), "x").status());
        assertEquals(Status.ACCEPTED, q.ack(pool, m.messageId(), r.reservationToken()).status(),
                "refused operations changed nothing");
    }

    @Test
    void renewExtendsTheLeaseWithoutANewDelivery() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r = q.reserve(pool, "w", null, null, true);
        clock.advance(Duration.ofSeconds(25));
        OperationResult renew = q.renew(pool, m.messageId(), r.reservationToken());
        assertEquals(Status.ACCEPTED, renew.status());
        assertEquals(clock.now.plusSeconds(30), renew.leaseExpiresAt());
        clock.advance(Duration.ofSeconds(25));
        assertEquals(new CleanupQueue.Expiry(0, 0), q.expireLeases(100), "the renewed lease is not overdue");
        assertEquals(1, q.read(pool, m.messageId()).deliveryCount());
        assertEquals(Status.ACCEPTED, q.ack(pool, m.messageId(), r.reservationToken()).status());
    }

    @Test
    void releaseRedeliversAfterABackoffWithJitterThenDeadLetters() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, policy(Duration.ofSeconds(10)));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r1 = q.reserve(pool, "w", null, null, true);
        assertEquals(Status.ACCEPTED, q.release(pool, m.messageId(), r1.reservationToken(), "busy").status());
        assertNull(q.reserve(pool, "w", null, null, true), "not visible during the backoff");
        Instant visibleAt = q.read(pool, m.messageId()).visibleAt();
        long wait = Duration.between(clock.now, visibleAt).toMillis();
        assertTrue(wait >= 8_000 && wait <= 12_000, "10 s ± 20% after the first delivery: " + wait);
        assertEquals(1, q.stats(pool).visible());
        assertEquals(0, q.stats(pool).ready());
        clock.advance(Duration.ofSeconds(13));
        CleanupMessage r2 = q.reserve(pool, "w", null, null, true);
        assertEquals(2, r2.deliveryCount());
        assertNotEquals(r1.reservationToken(), r2.reservationToken(), "each delivery has its own token");
        assertEquals(Status.INVALID_TOKEN, q.ack(pool, m.messageId(), r1.reservationToken()).status(),
                "the first delivery's token is no longer good");
        q.release(pool, m.messageId(), r2.reservationToken(), "busy");
        long wait2 = Duration.between(clock.now, q.read(pool, m.messageId()).visibleAt()).toMillis();
        assertTrue(wait2 >= 16_000 && wait2 <= 24_000, "doubled after the second: " + wait2);
        clock.advance(Duration.ofSeconds(25));
        CleanupMessage r3 = q.reserve(pool, "w", null, null, true);
        OperationResult last = q.release(pool, m.messageId(), r3.reservationToken(), "still busy");
        assertEquals(Status.DEAD_LETTERED, last.status());
        assertEquals("max_delivery_attempts_reached", last.reason());
        CleanupMessage dead = q.readDeadLetter(pool, m.messageId());
        assertEquals(3, dead.deadLetter().finalDeliveryCount());
        assertEquals("still busy", dead.deadLetter().releaseReason());
        assertEquals(r3.reservationToken(), dead.deadLetter().reservationToken());
        assertEquals(List.of("released", "released", "released"),
                dead.history().stream().map(CleanupMessage.Delivery::outcome).toList());
        assertEquals(List.of("busy", "busy", "still busy"),
                dead.history().stream().map(CleanupMessage.Delivery::reason).toList());
        QueueStats s = q.stats(pool);
        assertEquals(1, s.dead());
        assertEquals(2, s.retries());
        assertEquals(1, s.deadLettered());
        assertEquals(0, s.visible() + s.inFlight());
        assertEquals(m.messageId(), enqueue(q, pool, "k").messageId(), "a dead letter still dedupes its key");
    }

    @Test
    void expiredLeasesGoBackThenToTheDeadLettersAndLateOperationsSaySo() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r1 = q.reserve(pool, "w", null, null, true);
        clock.advance(Duration.ofSeconds(31));
        OperationResult late = q.ack(pool, m.messageId(), r1.reservationToken());
        assertEquals(Status.EXPIRED, late.status(), "an ack after the lease expires the delivery instead");
        assertEquals("lease_expired", late.reason());
        CleanupMessage r2 = q.reserve(pool, "w", null, null, true);
        assertEquals(2, r2.deliveryCount());
        clock.advance(Duration.ofSeconds(31));
        assertEquals(new CleanupQueue.Expiry(1, 0), q.expireLeases(100), "the reconciler's sweep");
        assertEquals(new CleanupQueue.Expiry(0, 0), q.expireLeases(100), "once");
        CleanupMessage r3 = q.reserve(pool, "w", null, null, true);
        clock.advance(Duration.ofSeconds(31));
        OperationResult renew = q.renew(pool, m.messageId(), r3.reservationToken());
        assertEquals(Status.DEAD_LETTERED, renew.status(), "the last delivery expired: dead-lettered");
        CleanupMessage dead = q.readDeadLetter(pool, m.messageId());
        assertEquals(r3.leaseExpiresAt(), dead.deadLetter().leaseExpiresAt());
        assertNull(dead.deadLetter().releaseReason());
        assertEquals(List.of("expired", "expired", "expired"),
                dead.history().stream().map(CleanupMessage.Delivery::outcome).toList());
        assertEquals(Status.NOT_FOUND, q.ack(pool, m.messageId(), r3.reservationToken()).status());
    }

    @Test
    void deadLettersAreListedRedrivenAndPurged() {
        ManualClock clock = new ManualClock();
        CleanupQueue q = new CleanupQueue(redis, clock, new CleanupPolicy(Duration.ofSeconds(30), 1, Duration.ZERO,
                Duration.ZERO, 0, Duration.ofSeconds(100)));
        PoolKey pool = newPool();
        CleanupMessage a = enqueue(q, pool, "a");
        clock.advance(Duration.ofMillis(1));
        CleanupMessage b = enqueue(q, pool, "b");
        assertEquals(Status.DEAD_LETTERED, q.release(pool, a.messageId(),
                q.reserve(pool, "w", null, null, true).reservationToken(), "no").status(), "the oldest first, its only attempt");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Status.DEAD_LETTERED, q.release(pool, b.messageId(),
                q.reserve(pool, "w", null, null, true).reservationToken(), "no").status());
        assertEquals(List.of(b.messageId(), a.messageId()),
                q.deadLetters(pool, 0, 10).stream().map(CleanupMessage::messageId).toList(), "newest first");
        assertTrue(q.redrive(pool, a.messageId()));
        assertFalse(q.redrive(pool, a.messageId()), "only a dead letter is redriven");
        assertFalse(q.redrive(newPool(), b.messageId()), "not from another pool");
        CleanupMessage again = q.reserve(pool, "w", null, null, true);
        assertEquals(a.messageId(), again.messageId());
        assertEquals(1, again.deliveryCount(), "a redriven message has its attempts again");
        assertEquals(List.of("released", "redriven"),
                again.history().stream().map(CleanupMessage.Delivery::outcome).toList(), "and keeps its history");
        assertEquals(Status.ACCEPTED, q.ack(pool, a.messageId(), again.reservationToken()).status());
        assertTrue(q.purge(pool, b.messageId()));
        assertFalse(q.purge(pool, b.messageId()));
        assertEquals(0, q.stats(pool).dead());
        assertNotEquals(b.messageId(), enqueue(q, pool, "b").messageId(), "a purged message's key is free again");
    }

    @Test
    void aTransitionThatMakesWorkVisiblePublishesAWakeup() throws Exception {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub sub = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                published.add(message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }
        };
        Thread t = new Thread(() -> redis.pool().subscribe(sub, CleanupQueue.WAKEUP_CHANNEL));
        t.start();
        assertTrue(subscribed.await(5, TimeUnit.SECONDS));
        List<PoolKey> local = new ArrayList<>();
        q.onWakeup(local::add);
        long before = q.wakeupSequence(pool);
        CleanupMessage m = enqueue(q, pool, "k");
        CleanupMessage r = q.reserve(pool, "w", null, null, true);
        q.release(pool, m.messageId(), r.reservationToken(), "again");
        CleanupMessage r2 = q.reserve(pool, "w", null, null, true);
        q.ack(pool, m.messageId(), r2.reservationToken());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (published.stream().filter(pool.encoded()::equals).count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sub.unsubscribe();
        t.join(5000);
        assertEquals(2, published.stream().filter(pool.encoded()::equals).count(), "enqueue and release, not reserve or ack");
        assertEquals(List.of(pool, pool), local, "and this instance is told directly");
        assertEquals(before + 2, q.wakeupSequence(pool));
    }

    @Test
    void manyThreadsOnOneMessageNeverHoldTwoReservations() throws Exception {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        CleanupMessage m = q.enqueue(pool, null, UUID.randomUUID(), "race", KIND, target(UUID.randomUUID()),
                JsonObject.EMPTY_JSON_OBJECT);
        // each thread reserves, holds the message a moment while counting holders, and releases it; the queue's
        // limit of 3 deliveries would dead-letter it, so a high limit lets the race run long
        CleanupQueue racing = new CleanupQueue(redis, Clock.systemUTC(), new CleanupPolicy(Duration.ofSeconds(30),
                1_000_000, Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(100)));
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger reservations = new AtomicInteger();
        AtomicInteger acceptedReleases = new AtomicInteger();
        int threads = 16;
        ExecutorService pool16 = Executors.newFixedThreadPool(threads);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool16.submit(() -> {
                while (System.nanoTime() < until) {
                    CleanupMessage r = racing.reserve(pool, "w", null, null, true);
                    if (r == null) continue;
                    reservations.incrementAndGet();
                    int now = holders.incrementAndGet();
                    maxHolders.accumulateAndGet(now, Math::max);
                    Thread.onSpinWait();
                    holders.decrementAndGet();
                    if (racing.release(pool, m.messageId(), r.reservationToken(), "next").status() == Status.ACCEPTED) {
                        acceptedReleases.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
        pool16.shutdown();
        System.out.printf("race on one message: %d reservations by %d threads in 3 s, most holders at once: %d%n",
                reservations.get(), threads, maxHolders.get());
        assertTrue(reservations.get() > 50, "the race ran: " + reservations.get());
        assertEquals(1, maxHolders.get(), "never two active reservations");
        assertEquals(reservations.get(), acceptedReleases.get(), "every reservation's token was the current one");
        assertEquals(reservations.get(), q.read(pool, m.messageId()).deliveryCount(), "every delivery counted once");

        // then many threads ack with the last token at once: exactly one is accepted
        CleanupMessage last = racing.reserve(pool, "w", null, null, true);
        ExecutorService ackers = Executors.newFixedThreadPool(threads);
        List<Future<Status>> acks = new ArrayList<>();
        for (int i = 0; i < threads; i++) acks.add(ackers.submit(() -> racing.ack(pool, m.messageId(), last.reservationToken()).status()));
        int accepted = 0;
        for (Future<Status> f : acks) {
            Status s = f.get(30, TimeUnit.SECONDS);
            if (s == Status.ACCEPTED) accepted++;
            else assertEquals(Status.NOT_FOUND, s);
        }
        ackers.shutdown();
        assertEquals(1, accepted, "one ack wins");
    }

    @Test
    void concurrentReserversShareManyMessagesWithoutDuplicates() throws Exception {
        CleanupQueue q = new CleanupQueue(redis, Clock.systemUTC(), policy(Duration.ZERO));
        PoolKey pool = newPool();
        int messages = 300;
        for (int i = 0; i < messages; i++) enqueue(q, pool, "m" + i);
        ConcurrentLinkedQueue<UUID> got = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(workers.submit(() -> {
                CleanupMessage r;
                while ((r = q.reserve(pool, "w", null, null, true)) != null) {
                    got.add(r.messageId());
                    assertEquals(Status.ACCEPTED, q.ack(pool, r.messageId(), r.reservationToken()).status());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        workers.shutdown();
        assertEquals(messages, got.size(), "each message delivered once");
        assertEquals(messages, Set.copyOf(got).size());
        assertEquals(messages, q.stats(pool).acked());
        assertNotNull(q.read(pool, got.peek()));
    }
}
