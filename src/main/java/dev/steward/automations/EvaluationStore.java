package dev.steward.automations;

import dev.steward.orchestration.FlowRunStore;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQL of trigger evaluation, on the connection of the evaluator's transaction: the cursor over committed events,
 * the buckets (Prefect's automation_bucket), the composite triggers' child firings, metric triggers' states, and the
 * firings and their action runs. Plain JDBC: these rows span workspaces (one evaluator serves all), so every statement
 * names what it touches by its automation (whose workspace it is) and key, and the workspace where a row is created;
 * trigger ids are drawn by the server, never sent by a client.
 */
final class EvaluationStore implements TriggerState {
    private final Connection c;

    EvaluationStore(Connection c) {
        this.c = c;
    }

    /** Where the evaluator is in the event table's commit order: (transaction id, workspace, event id). */
    record Cursor(String tx, UUID workspaceId, UUID eventId) {}

    /** The oldest transaction still running: every transaction below it has ended. */
    String horizon() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_snapshot_xmin(pg_current_snapshot())::text");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * When the oldest transaction that is writing began, other than this one's: events it may still commit occurred
     * no earlier, so deadlines up to then can be checked. Empty when none is writing (or this role may not see it:
     * then the clock is used, and a proactive check may run ahead of an event still uncommitted).
     */
    java.util.Optional<Instant> oldestWriteStart() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select min(xact_start) from pg_stat_activity "
                + "where backend_xid is not null and pid <> pg_backend_pid()");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return java.util.Optional.ofNullable(t == null ? null : t.toInstant());
        }
    }

    /** The cursor, locked for this transaction: a second evaluator (a lease lost while paused) waits here. */
    Cursor lockCursor() throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select tx::text, workspace_id, event_id from automation_cursor where name = 'events' for update");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Cursor(rs.getString(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class));
        }
    }

    /** Moves the cursor forward (never back: a position before it is left as it is). */
    void moveCursor(Cursor to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update automation_cursor set tx = ?::xid8, workspace_id = ?, "
                + "event_id = ? where name = 'events' and (tx, workspace_id, event_id) < (?::xid8, ?, ?)")) {
            s.setString(1, to.tx());
            s.setObject(2, to.workspaceId());
            s.setObject(3, to.eventId());
            s.setString(4, to.tx());
            s.setObject(5, to.workspaceId());
            s.setObject(6, to.eventId());
            s.executeUpdate();
        }
    }

    /**
     * Puts the cursor at the horizon when it is past it, which only happens when the database was restored into
     * another cluster (transaction ids start again there): otherwise no event would be read until the new cluster's
     * ids caught up with the old ones.
     */
    Cursor rewindIfAhead(Cursor cursor, String horizon) throws SQLException {
        if (Long.compareUnsigned(Long.parseUnsignedLong(cursor.tx()), Long.parseUnsignedLong(horizon)) <= 0) {
            return cursor;
        }
        Cursor start = new Cursor(horizon, new UUID(0, 0), new UUID(0, 0));
        try (PreparedStatement s = c.prepareStatement("update automation_cursor set tx = ?::xid8, workspace_id = ?, "
                + "event_id = ? where name = 'events'")) {
            s.setString(1, start.tx());
            s.setObject(2, start.workspaceId());
            s.setObject(3, start.eventId());
            s.executeUpdate();
        }
        return start;
    }

    /** An event read for evaluation, in Prefect's wire form, with its place in the commit order. */
    record Committed(Cursor at, UUID workspaceId, JsonObject event) {}

    /**
     * Which events the evaluator reads, per workspace, from the workspaces' {@link TriggerIndex}es: every event of the
     * workspaces where any name may count; of the others, those whose name is one of the workspace's plain names
     * ({@code nameWorkspaces} and {@code names} in pairs) or matches one of its {@code LIKE} patterns (in pairs too).
     * A workspace whose automations have no event trigger reads nothing.
     */
    record EventFilter(List<UUID> everyName, List<UUID> nameWorkspaces, List<String> names,
                       List<UUID> patternWorkspaces, List<String> patterns) {
        static final EventFilter NONE = of(Map.of());

        static EventFilter of(Map<UUID, TriggerIndex> indexes) {
            List<UUID> every = new ArrayList<>();
            List<UUID> nameWorkspaces = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<UUID> patternWorkspaces = new ArrayList<>();
            List<String> patterns = new ArrayList<>();
            indexes.forEach((workspace, index) -> {
                if (index.anyName()) {
                    every.add(workspace);
                    return;
                }
                for (String name : index.plainNames()) {
                    nameWorkspaces.add(workspace);
                    names.add(name);
                }
                for (String pattern : index.likePatterns()) {
                    patternWorkspaces.add(workspace);
                    patterns.add(pattern);
                }
            });
            return new EventFilter(List.copyOf(every), List.copyOf(nameWorkspaces), List.copyOf(names),
                    List.copyOf(patternWorkspaces), List.copyOf(patterns));
        }
    }

    /** Committed events after the cursor and below the horizon, in commit order, that the filter selects. */
    List<Committed> eventsAfter(Cursor cursor, String horizon, EventFilter filter, int limit) throws SQLException {
        // the (workspace, name) pairs are a hashed subplan: one lookup per event, however many names
        String sql = "select tx::text, workspace_id, id, occurred, received, event, resource, related, payload, follows "
                + "from event e where tx >= ?::xid8 and tx < ?::xid8 and (tx, workspace_id, id) > (?::xid8, ?, ?) "
                + "and (workspace_id = any(?) "
                + "or (workspace_id, event) in (select * from unnest(?::uuid[], ?::text[])) "
                + "or exists (select 1 from unnest(?::uuid[], ?::text[]) p(w, pattern) "
                + "where p.w = e.workspace_id and e.event like p.pattern)) "
                // e.tx, not tx: the output column tx is its text, whose order is not the transactions' ("10" < "9")
                + "order by e.tx, workspace_id, id limit ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setString(i++, cursor.tx());
            s.setString(i++, horizon);
            s.setString(i++, cursor.tx());
            s.setObject(i++, cursor.workspaceId());
            s.setObject(i++, cursor.eventId());
            s.setArray(i++, c.createArrayOf("uuid", filter.everyName().toArray()));
            s.setArray(i++, c.createArrayOf("uuid", filter.nameWorkspaces().toArray()));
            s.setArray(i++, c.createArrayOf("text", filter.names().toArray()));
            s.setArray(i++, c.createArrayOf("uuid", filter.patternWorkspaces().toArray()));
            s.setArray(i++, c.createArrayOf("text", filter.patterns().toArray()));
            s.setInt(i, limit);
            List<Committed> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    UUID workspace = rs.getObject(2, UUID.class);
                    UUID id = rs.getObject(3, UUID.class);
                    UUID follows = rs.getObject(10, UUID.class);
                    JsonObject event = Json.createObjectBuilder()
                            .add("id", id.toString())
                            .add("occurred", rs.getTimestamp(4).toInstant().toString())
                            .add("event", rs.getString(6))
                            .add("resource", Json.parse(rs.getString(7)))
                            .add("related", Json.parse(rs.getString(8)))
                            .add("payload", Json.parse(rs.getString(9)))
                            .add("received", rs.getTimestamp(5).toInstant().toString())
                            .add("follows", follows == null ? jakarta.json.JsonValue.NULL
                                    : Json.createValue(follows.toString()))
                            .build();
                    out.add(new Committed(new Cursor(rs.getString(1), workspace, id), workspace, event));
                }
            }
            return out;
        }
    }

    /** Prefect's ensure_bucket: the key's bucket, created with these values if there is none (left as it is if so). */
    @Override
    public Bucket ensureBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start, Instant end,
                        JsonObject lastEvent, int initialCount) throws SQLException {
        writeBucket("'ensure_bucket[insert]') on conflict do nothing", workspaceId, automationId, triggerId, key, start,
                end, initialCount, lastEvent);
        return readBucket(automationId, triggerId, key);
    }

    /** Prefect's start_new_bucket: the key's bucket replaced by a new window. */
    @Override
    public Bucket startNewBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start, Instant end,
                          int count, JsonObject lastEvent) throws SQLException {
        writeBucket("'start_new_bucket[insert]') on conflict (automation_id, trigger_id, bucketing_key) do update "
                + "set start_at = excluded.start_at, end_at = excluded.end_at, count = excluded.count, "
                + "last_event = excluded.last_event, last_operation = 'start_new_bucket[update]', triggered_at = null",
                workspaceId, automationId, triggerId, key, start, end, count, lastEvent);
        return readBucket(automationId, triggerId, key);
    }

    /** Inserts a bucket; {@code operationAndConflict} ends the statement: the operation's name and what a clash does. */
    private void writeBucket(String operationAndConflict, UUID workspaceId, UUID automationId, UUID triggerId,
                             String key, Instant start, Instant end, int count, JsonObject lastEvent)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into automation_bucket (automation_id, trigger_id, "
                + "bucketing_key, workspace_id, start_at, end_at, count, last_event, bucketing_values, last_operation) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, " + operationAndConflict)) {
            s.setObject(1, automationId);
            s.setObject(2, triggerId);
            s.setBytes(3, keyHash(key));
            s.setObject(4, workspaceId);
            s.setTimestamp(5, Timestamp.from(start));
            s.setTimestamp(6, Timestamp.from(end));
            s.setInt(7, count);
            s.setString(8, lastEvent == null ? null : lastEvent.toString());
            s.setString(9, key);
            s.executeUpdate();
        }
    }

    /**
     * The bucket's key as stored: the SHA-256 of its for_each values (JSON text), which come from clients' events and
     * may be longer than an index row may be.
     */
    static byte[] keyHash(String key) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public Bucket readBucket(UUID automationId, UUID triggerId, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select start_at, end_at, count, last_event from "
                + "automation_bucket where automation_id = ? and trigger_id = ? and bucketing_key = ?")) {
            s.setObject(1, automationId);
            s.setObject(2, triggerId);
            s.setBytes(3, keyHash(key));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) return null;
                return bucket(automationId, triggerId, key, rs, 1);
            }
        }
    }

    /** Adds to the bucket's count; the event becomes its last. */
    @Override
    public Bucket increment(Bucket b, int count, JsonObject event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update automation_bucket set count = count + ?, "
                + "last_event = coalesce(?, last_event), last_operation = 'increment_bucket[update]' "
                + "where automation_id = ? and trigger_id = ? and bucketing_key = ?")) {
            s.setInt(1, count);
            s.setString(2, event == null ? null : event.toString());
            s.setObject(3, b.automationId());
            s.setObject(4, b.triggerId());
            s.setBytes(5, keyHash(b.key()));
            s.executeUpdate();
        }
        return readBucket(b.automationId(), b.triggerId(), b.key());
    }

    @Override
    public void removeBucket(Bucket b) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from automation_bucket where automation_id = ? "
                + "and trigger_id = ? and bucketing_key = ?")) {
            s.setObject(1, b.automationId());
            s.setObject(2, b.triggerId());
            s.setBytes(3, keyHash(b.key()));
            s.executeUpdate();
        }
    }

    /** Proactive triggers' buckets that reached their threshold: they can no longer fire (Prefect deletes them). */
    @Override
    public void removeBucketsAtThreshold(UUID automationId, UUID triggerId, int threshold) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from automation_bucket where automation_id = ? "
                + "and trigger_id = ? and count >= ?")) {
            s.setObject(1, automationId);
            s.setObject(2, triggerId);
            s.setInt(3, threshold);
            s.executeUpdate();
        }
    }

    /** The buckets of these triggers whose windows have closed by {@code now}. */
    @Override
    public List<Bucket> closedBuckets(Collection<UUID> triggerIds, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select automation_id, trigger_id, bucketing_values, start_at, "
                + "end_at, count, last_event from automation_bucket where trigger_id = any(?) and end_at <= ? "
                + "order by end_at limit 500")) {
            s.setArray(1, c.createArrayOf("uuid", triggerIds.toArray()));
            s.setTimestamp(2, Timestamp.from(now));
            List<Bucket> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(bucket(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs, 4));
                }
            }
            return out;
        }
    }

    /** Buckets whose windows closed long ago and that no proactive check needs (Prefect's sweep, after 60 s). */
    void sweepBuckets(Collection<UUID> proactiveTriggerIds, Instant olderThan) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from automation_bucket where end_at <= ? "
                + "and not (trigger_id = any(?))")) {
            s.setTimestamp(1, Timestamp.from(olderThan));
            s.setArray(2, c.createArrayOf("uuid", proactiveTriggerIds.toArray()));
            s.executeUpdate();
        }
    }

    private static Bucket bucket(UUID automationId, UUID triggerId, String key, ResultSet rs, int from)
            throws SQLException {
        String last = rs.getString(from + 3);
        return new Bucket(automationId, triggerId, key, rs.getTimestamp(from).toInstant(),
                rs.getTimestamp(from + 1).toInstant(), rs.getInt(from + 2),
                last == null ? null : Json.parseObject(last));
    }

    @Override
    public MetricState metricState(UUID automationId, UUID triggerId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select triggered, changing_since, last_value, measured_at "
                + "from automation_metric_state where automation_id = ? and trigger_id = ?")) {
            s.setObject(1, automationId);
            s.setObject(2, triggerId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) return null;
                Timestamp since = rs.getTimestamp(2);
                double value = rs.getDouble(3);
                Double lastValue = rs.wasNull() ? null : value;
                return new MetricState(rs.getBoolean(1), since == null ? null : since.toInstant(), lastValue,
                        rs.getTimestamp(4).toInstant());
            }
        }
    }

    @Override
    public void saveMetricState(UUID workspaceId, UUID automationId, UUID triggerId, MetricState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into automation_metric_state (automation_id, trigger_id, "
                + "workspace_id, triggered, changing_since, last_value, measured_at) values (?, ?, ?, ?, ?, ?, ?) "
                + "on conflict (automation_id, trigger_id) do update set triggered = excluded.triggered, "
                + "changing_since = excluded.changing_since, last_value = excluded.last_value, "
                + "measured_at = excluded.measured_at")) {
            s.setObject(1, automationId);
            s.setObject(2, triggerId);
            s.setObject(3, workspaceId);
            s.setBoolean(4, state.triggered());
            s.setTimestamp(5, state.changingSince() == null ? null : Timestamp.from(state.changingSince()));
            if (state.lastValue() == null) s.setNull(6, java.sql.Types.DOUBLE); else s.setDouble(6, state.lastValue());
            s.setTimestamp(7, Timestamp.from(state.measuredAt()));
            s.executeUpdate();
        }
    }

    @Override
    public List<FlowRunStore.Measured> measuredRuns(UUID workspaceId, Instant since, Instant now,
                                                    List<FlowRunStore.RelatedTo> required,
                                                    FlowRunStore.Measured after, int limit) throws SQLException {
        return FlowRunStore.measured(c, workspaceId, since, now, required, after, limit);
    }

    /** Prefect's composite_trigger_child_firing: the child's latest firing replaces its earlier one. */
    @Override
    public void upsertChildFiring(UUID workspaceId, UUID automationId, UUID parentId, Firing child) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into automation_child_firing (automation_id, "
                + "parent_trigger_id, child_trigger_id, workspace_id, child_firing_id, child_fired_at, child_firing) "
                + "values (?, ?, ?, ?, ?, ?, ?) on conflict (automation_id, parent_trigger_id, child_trigger_id) "
                + "do update set child_firing_id = excluded.child_firing_id, "
                + "child_fired_at = excluded.child_fired_at, child_firing = excluded.child_firing")) {
            s.setObject(1, automationId);
            s.setObject(2, parentId);
            s.setObject(3, child.triggerId());
            s.setObject(4, workspaceId);
            s.setObject(5, child.id());
            s.setTimestamp(6, Timestamp.from(child.triggered()));
            s.setString(7, child.toJson().toString());
            s.executeUpdate();
        }
    }

    @Override
    public void clearChildFiringsBefore(UUID automationId, UUID parentId, Instant before) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from automation_child_firing where automation_id = ? "
                + "and parent_trigger_id = ? and child_fired_at < ?")) {
            s.setObject(1, automationId);
            s.setObject(2, parentId);
            s.setTimestamp(3, Timestamp.from(before));
            s.executeUpdate();
        }
    }

    /** The children's latest firings, oldest first. */
    @Override
    public List<Firing> childFirings(UUID automationId, UUID parentId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select child_firing from automation_child_firing "
                + "where automation_id = ? and parent_trigger_id = ? order by child_fired_at, child_trigger_id")) {
            s.setObject(1, automationId);
            s.setObject(2, parentId);
            List<Firing> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) out.add(Firing.fromJson(Json.parseObject(rs.getString(1))));
            }
            return out;
        }
    }

    @Override
    public void clearChildFirings(UUID automationId, UUID parentId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from automation_child_firing where automation_id = ? "
                + "and parent_trigger_id = ?")) {
            s.setObject(1, automationId);
            s.setObject(2, parentId);
            s.executeUpdate();
        }
    }

    void insertFiring(UUID workspaceId, UUID automationId, Firing firing, boolean resolved) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into automation_firing (id, workspace_id, "
                + "automation_id, trigger_id, state, triggered_at, triggering_labels, triggering_event_id, firing) "
                + "values (?, ?, ?, ?, '" + (resolved ? "Resolved" : "Triggered") + "', ?, ?, ?, ?)")) {
            s.setObject(1, firing.id());
            s.setObject(2, workspaceId);
            s.setObject(3, automationId);
            s.setObject(4, firing.triggerId());
            s.setTimestamp(5, Timestamp.from(firing.triggered()));
            s.setString(6, firing.toJson().getJsonObject("triggering_labels").toString());
            s.setObject(7, firing.triggeringEvent() == null ? null
                    : UUID.fromString(firing.triggeringEvent().getString("id")));
            s.setString(8, firing.toJson().toString());
            s.executeUpdate();
        }
    }

    /** A pending action of a firing, due now. */
    void insertActionRun(UUID id, UUID workspaceId, UUID automationId, UUID firingId, int index, JsonObject action,
                         JsonObject triggeringEvent, UUID automationTriggeredEventId, Instant due)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into automation_action_run (id, workspace_id, "
                + "automation_id, firing_id, action_index, action, triggering_event, automation_triggered_event_id, "
                + "status, attempts, due_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)")) {
            s.setObject(1, id);
            s.setObject(2, workspaceId);
            s.setObject(3, automationId);
            s.setObject(4, firingId);
            s.setInt(5, index);
            s.setString(6, action.toString());
            s.setString(7, triggeringEvent == null ? null : triggeringEvent.toString());
            s.setObject(8, automationTriggeredEventId);
            s.setTimestamp(9, Timestamp.from(due));
            s.executeUpdate();
        }
    }
}
