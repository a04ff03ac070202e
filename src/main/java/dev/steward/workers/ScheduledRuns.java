package dev.steward.workers;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code get_scheduled_flow_runs} with a claim: the scheduled runs of a pool's queues in Prefect's order (queue
 * priority, then scheduled time), within the pool's and each queue's concurrency limit, paused pools and queues left
 * out, and every run returned is claimed so that no other poll (on this instance or another, which share only
 * PostgreSQL) gets it while the claim lasts.
 *
 * <p>How: candidate rows are taken {@code FOR UPDATE SKIP LOCKED} (a concurrent poll skips rows another poll is
 * claiming instead of waiting for them) and only while unclaimed or with a lapsed claim; the chosen rows get
 * {@code claim_expires} before the transaction commits. A claim lasts until the run's scheduled time plus the lease: a
 * worker that takes a run moves it to PENDING well within that (it proposes PENDING at once and waits out the
 * scheduled time), and a run whose worker never does becomes available again when the claim lapses. Prefect's own
 * query locks rows only for its transaction, so two polls right after one another can return the same run.
 *
 * <p>Limits count PENDING and RUNNING runs, as Prefect's do, and also runs under a live claim (about to become
 * PENDING), which Prefect does not, so a limit is never exceeded by polls that come in between. When a limit applies,
 * the pool's row is locked first: polls of that pool then take turns, so two of them cannot both fill the last slot.
 * Plain JDBC on the caller's connection (see orchestration.RunTable for why); every statement names the workspace.
 */
final class ScheduledRuns {
    /** A claimed run: its pool, queue and document. */
    record Claimed(UUID poolId, UUID queueId, String body) {}

    /** What a poll asks for (Prefect's get_scheduled_flow_runs body); null bounds and queue ids mean none and all. */
    record Poll(UUID poolId, List<UUID> queueIds, Instant scheduledBefore, Instant scheduledAfter, int limit) {}

    private record Queue(UUID id, Integer limit) {}

    private ScheduledRuns() {}

    static List<Claimed> claim(Connection c, UUID workspaceId, Poll poll, Duration lease, Instant now) throws SQLException {
        List<Claimed> out = new ArrayList<>();
        if (poll.limit() <= 0) return out;
        List<Queue> queues = queues(c, workspaceId, poll);
        if (queues.isEmpty()) return out;
        Integer poolLimit = poolLimit(c, workspaceId, poll.poolId(), false);
        boolean limited = poolLimit != null || queues.stream().anyMatch(q -> q.limit() != null);
        if (limited) {
            // serialise the polls of this pool, then read the pool again under the lock (it may have been paused)
            poolLimit = poolLimit(c, workspaceId, poll.poolId(), true);
            queues = queues(c, workspaceId, poll);
        }
        int wanted = poll.limit();
        if (poolLimit != null) wanted = Math.min(wanted, Math.max(0, poolLimit - occupied(c, workspaceId, queueIdsOfPool(c, workspaceId, poll.poolId()), now)));
        for (Queue q : queues) {
            if (wanted <= 0) break;
            int take = wanted;
            if (q.limit() != null) take = Math.min(take, Math.max(0, q.limit() - occupied(c, workspaceId, List.of(q.id()), now)));
            if (take <= 0) continue;
            List<Claimed> claimed = take(c, workspaceId, poll, q.id(), take, lease, now);
            out.addAll(claimed);
            wanted -= claimed.size();
        }
        return out;
    }

    /** The pool's unpaused queues (all, or those asked for) by priority; none when the pool is paused or unknown. */
    private static List<Queue> queues(Connection c, UUID workspaceId, Poll poll) throws SQLException {
        String sql = """
                select q.id, q.concurrency_limit from work_queue q join work_pool p on p.id = q.work_pool_id
                where q.workspace_id = ? and q.work_pool_id = ? and not q.is_paused and not p.is_paused"""
                + (poll.queueIds() == null ? "" : " and q.id = any(?)") + " order by q.priority, q.name";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, workspaceId);
            s.setObject(2, poll.poolId());
            if (poll.queueIds() != null) s.setArray(3, uuids(c, poll.queueIds()));
            try (ResultSet rs = s.executeQuery()) {
                List<Queue> out = new ArrayList<>();
                while (rs.next()) out.add(new Queue(rs.getObject(1, UUID.class), (Integer) rs.getObject(2)));
                return out;
            }
        }
    }

    private static Integer poolLimit(Connection c, UUID workspaceId, UUID poolId, boolean lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select concurrency_limit from work_pool where workspace_id = ? and id = ?"
                + (lock ? " for no key update" : ""))) {
            s.setObject(1, workspaceId);
            s.setObject(2, poolId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? (Integer) rs.getObject(1) : null;
            }
        }
    }

    private static List<UUID> queueIdsOfPool(Connection c, UUID workspaceId, UUID poolId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select id from work_queue where workspace_id = ? and work_pool_id = ?")) {
            s.setObject(1, workspaceId);
            s.setObject(2, poolId);
            try (ResultSet rs = s.executeQuery()) {
                List<UUID> out = new ArrayList<>();
                while (rs.next()) out.add(rs.getObject(1, UUID.class));
                return out;
            }
        }
    }

    /** Runs of these queues that hold a slot: PENDING, RUNNING, or SCHEDULED under a live claim. */
    private static int occupied(Connection c, UUID workspaceId, List<UUID> queueIds, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select count(*) from flow_run where workspace_id = ? and work_queue_id = any(?)
                and (state_type in ('PENDING', 'RUNNING') or (state_type = 'SCHEDULED' and claim_expires > ?))""")) {
            s.setObject(1, workspaceId);
            s.setArray(2, uuids(c, queueIds));
            s.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Claims up to {@code n} of the queue's due, unclaimed runs, earliest first, skipping rows other polls hold. */
    private static List<Claimed> take(Connection c, UUID workspaceId, Poll poll, UUID queueId, int n, Duration lease,
                                      Instant now) throws SQLException {
        String sql = """
                with due as (
                    select id from flow_run
                    where workspace_id = ? and work_queue_id = ? and state_type = 'SCHEDULED'
                    and (claim_expires is null or claim_expires <= ?)
                    and coalesce(body->'empirical_policy'->>'retry_type', '') <> 'in_process'"""
                + (poll.scheduledBefore() == null ? "" : " and next_scheduled_start_time <= ?")
                + (poll.scheduledAfter() == null ? "" : " and next_scheduled_start_time >= ?")
                + """

                    order by next_scheduled_start_time nulls last, id
                    limit ?
                    for update skip locked)
                update flow_run r set claim_expires = greatest(r.next_scheduled_start_time, ?) + ? * interval '1 millisecond'
                from due where r.id = due.id and r.workspace_id = ?
                returning r.body, r.next_scheduled_start_time""";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setObject(i++, workspaceId);
            s.setObject(i++, queueId);
            s.setTimestamp(i++, Timestamp.from(now));
            if (poll.scheduledBefore() != null) s.setTimestamp(i++, Timestamp.from(poll.scheduledBefore()));
            if (poll.scheduledAfter() != null) s.setTimestamp(i++, Timestamp.from(poll.scheduledAfter()));
            s.setInt(i++, n);
            s.setTimestamp(i++, Timestamp.from(now));
            s.setLong(i++, lease.toMillis());
            s.setObject(i, workspaceId);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) rows.add(new Object[] {rs.getString(1), rs.getTimestamp(2)});
            }
            // UPDATE ... RETURNING comes back in no particular order: Prefect's is the scheduled time
            rows.sort(java.util.Comparator.comparing((Object[] r) -> (Timestamp) r[1],
                    java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
            List<Claimed> out = new ArrayList<>(rows.size());
            for (Object[] r : rows) out.add(new Claimed(poll.poolId(), queueId, (String) r[0]));
            return out;
        }
    }

    private static Array uuids(Connection c, List<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }
}
