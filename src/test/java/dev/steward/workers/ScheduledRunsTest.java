package dev.steward.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.access.Workspace;
import dev.steward.testing.RealPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim of get_scheduled_flow_runs on real PostgreSQL: pollers on separate connections (as two server instances
 * would be) never get the same run, none is lost, limits hold under concurrency, and a claim that is not followed up
 * lapses.
 */
class ScheduledRunsTest {
    private static final Duration LONG = Duration.ofMinutes(10);
    private UUID ws;
    private UUID pool;

    @BeforeEach
    void workspaceAndPool() throws SQLException {
        ws = UUID.randomUUID();
        RealPostgres.sessionFactory().inTransaction(s -> s.persist(new Workspace(ws, "w-" + ws.toString().substring(0, 8), "W", Instant.now())));
        pool = pool(null);
    }

    @Test
    void concurrentPollersOnSeparateConnectionsNeverShareARunAndLoseNone() throws Exception {
        UUID a = queue(pool, "a", 1, null, false);
        UUID b = queue(pool, "b", 2, null, false);
        Set<UUID> all = new HashSet<>();
        Instant t0 = Instant.now().minusSeconds(600);
        for (int i = 0; i < 300; i++) all.add(run(i % 2 == 0 ? a : b, t0.plusMillis(i)));
        int pollers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(pollers);
        List<UUID> handedOut = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger emptyRounds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < pollers; p++) {
            final int poller = p;
            done.add(pool.submit(() -> {
                start.await();
                try (Connection c = RealPostgres.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    int empty = 0;
                    while (empty < 3) {
                        List<ScheduledRuns.Claimed> got = ScheduledRuns.claim(c, ws,
                                new ScheduledRuns.Poll(this.pool, null, Instant.now(), null, 1 + poller % 5), LONG, Instant.now());
                        c.commit();
                        if (got.isEmpty()) {
                            empty++;
                            emptyRounds.incrementAndGet();
                            continue;
                        }
                        for (ScheduledRuns.Claimed r : got) {
                            UUID id = id(r.body());
                            handedOut.add(id);
                            // half the workers move their runs on at once, the other half never do
                            if (poller % 2 == 0) execute(c, "update flow_run set state_type = 'PENDING' where id = '" + id + "'");
                        }
                        c.commit();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) f.get();
        pool.shutdown();
        assertEquals(handedOut.size(), new HashSet<>(handedOut).size(), "a run was handed to two pollers");
        assertEquals(all, new HashSet<>(handedOut), "every due run was handed out");
        assertTrue(emptyRounds.get() >= pollers * 3);
    }

    @Test
    void anUnfollowedClaimLapsesAndTheRunIsHandedOutAgain() throws Exception {
        UUID q = queue(pool, "q", 1, null, false);
        UUID r = run(q, Instant.now().minusSeconds(1));
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            assertEquals(List.of(r), ids(claim(c, poll(null, 10), Duration.ofMillis(300))));
            assertEquals(List.of(), ids(claim(c, poll(null, 10), Duration.ofMillis(300))), "claimed: not handed out again");
            Thread.sleep(400);
            assertEquals(List.of(r), ids(claim(c, poll(null, 10), LONG)), "the claim lapsed");
        }
    }

    @Test
    void queuePriorityThenScheduledTimeAndPausesAndTimeBounds() throws Exception {
        UUID low = queue(pool, "low", 2, null, false);
        UUID high = queue(pool, "high", 1, null, false);
        UUID paused = queue(pool, "paused", 3, null, true);
        Instant t = Instant.now().minusSeconds(100);
        UUID low1 = run(low, t);
        UUID high2 = run(high, t.plusSeconds(2));
        UUID high1 = run(high, t.plusSeconds(1));
        run(paused, t);
        UUID future = run(high, Instant.now().plusSeconds(3600));
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            assertEquals(List.of(high1, high2, low1), ids(claim(c, poll(null, 10), LONG)));
            assertEquals(List.of(), ids(claim(c, new ScheduledRuns.Poll(pool, List.of(high), Instant.now(), null, 10), LONG)));
            assertEquals(List.of(future), ids(claim(c, new ScheduledRuns.Poll(pool, List.of(high), null, null, 10), LONG)),
                    "no scheduled_before: every scheduled run");
            execute(c, "update work_pool set is_paused = true where id = '" + pool + "'");
            UUID another = run(high, t);
            assertEquals(List.of(), ids(claim(c, poll(null, 10), LONG)), "a paused pool hands out nothing");
            execute(c, "update work_pool set is_paused = false where id = '" + pool + "'");
            assertEquals(List.of(another), ids(claim(c, poll(null, 10), LONG)));
        }
    }

    @Test
    void concurrentPollsNeverExceedThePoolsOrAQueuesLimit() throws Exception {
        execute("update work_pool set concurrency_limit = 5 where id = '" + pool + "'");
        UUID a = queue(pool, "a", 1, 2, false);
        UUID b = queue(pool, "b", 2, null, false);
        Instant t = Instant.now().minusSeconds(60);
        Set<UUID> inA = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            UUID r = run(i % 2 == 0 ? a : b, t.plusMillis(i));
            if (i % 2 == 0) inA.add(r);
        }
        UUID running = run(b, t);
        execute("update flow_run set state_type = 'RUNNING' where id = '" + running + "'");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        Set<UUID> got = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            done.add(threads.submit(() -> {
                try (Connection c = RealPostgres.dataSource().getConnection()) {
                    for (int i = 0; i < 5; i++) got.addAll(ids(claim(c, poll(null, 3), LONG)));
                }
                return null;
            }));
        }
        for (Future<?> f : done) f.get();
        threads.shutdown();
        assertEquals(4, got.size(), "5 slots, one taken by a running run");
        assertEquals(2, got.stream().filter(inA::contains).count(), "queue a's limit of 2");
    }

    private ScheduledRuns.Poll poll(List<UUID> queues, int limit) {
        return new ScheduledRuns.Poll(pool, queues, Instant.now(), null, limit);
    }

    private List<ScheduledRuns.Claimed> claim(Connection c, ScheduledRuns.Poll poll, Duration lease) throws SQLException {
        c.setAutoCommit(false);
        List<ScheduledRuns.Claimed> out = ScheduledRuns.claim(c, ws, poll, lease, Instant.now());
        c.commit();
        return out;
    }

    private static List<UUID> ids(List<ScheduledRuns.Claimed> claimed) {
        return claimed.stream().map(r -> id(r.body())).toList();
    }

    private static UUID id(String body) {
        return UUID.fromString(dev.steward.platform.Json.parseObject(body).getString("id"));
    }

    private UUID pool(Integer limit) throws SQLException {
        UUID id = UUID.randomUUID();
        execute("insert into work_pool (id, workspace_id, name, type, concurrency_limit, created, updated) values ('"
                + id + "', '" + ws + "', 'p-" + id + "', 'process', " + limit + ", now(), now())");
        return id;
    }

    private UUID queue(UUID poolId, String name, int priority, Integer limit, boolean paused) throws SQLException {
        UUID id = UUID.randomUUID();
        execute("insert into work_queue (id, workspace_id, work_pool_id, name, priority, concurrency_limit, is_paused, "
                + "created, updated) values ('" + id + "', '" + ws + "', '" + poolId + "', '" + name + "', " + priority
                + ", " + limit + ", " + paused + ", now(), now())");
        return id;
    }

    /** A SCHEDULED run of the queue, with the columns the claim reads. */
    private UUID run(UUID queueId, Instant scheduled) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("""
                     insert into flow_run (id, workspace_id, flow_id, name, state_type, state_name, created, updated,
                         work_queue_id, next_scheduled_start_time, body)
                     values (?, ?, ?, 'r', 'SCHEDULED', 'Scheduled', now(), now(), ?, ?, ?::jsonb)""")) {
            s.setObject(1, id);
            s.setObject(2, ws);
            s.setObject(3, UUID.randomUUID());
            s.setObject(4, queueId);
            s.setTimestamp(5, java.sql.Timestamp.from(scheduled));
            s.setString(6, "{\"id\":\"" + id + "\",\"empirical_policy\":{}}");
            s.executeUpdate();
        }
        return id;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            execute(c, sql);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
