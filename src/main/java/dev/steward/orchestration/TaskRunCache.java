package dev.steward.orchestration;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Prefect's server-side task cache (its task_run_state_cache table): COMPLETED task-run states stored under their
 * cache_key with their cache_expiration, for {@link TaskRunRules}' CacheInsertion and CacheRetrieval. A key may be
 * cached many times; the newest entry that has not expired wins. An entry goes with its state (a deleted flow run
 * takes its task runs' states and so their cache entries).
 */
final class TaskRunCache {
    private static final String FIND = """
            select s.body from task_run_state_cache c
            join task_run_state s on s.workspace_id = c.workspace_id and s.id = c.task_run_state_id
            where c.workspace_id = ? and c.cache_key = ? and (c.cache_expiration is null or c.cache_expiration > ?)
            order by c.created desc limit 1""";
    private static final String INSERT = """
            insert into task_run_state_cache (id, workspace_id, cache_key, cache_expiration, task_run_state_id, created)
            values (?, ?, ?, ?, ?, ?)""";

    private TaskRunCache() {}

    /** The newest cached state for the key that is unexpired at {@code now}, or null. */
    static JsonObject find(Connection c, Object workspaceId, String cacheKey, Instant now) throws SQLException {
        try (PreparedStatement find = c.prepareStatement(FIND)) {
            find.setObject(1, workspaceId);
            find.setString(2, cacheKey);
            find.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Json.parseObject(rs.getString(1)) : null;
            }
        }
    }

    /** Caches a written state (its row must exist) under its state_details.cache_key until its cache_expiration. */
    static void insert(Connection c, Object workspaceId, JsonObject state, Instant now) throws SQLException {
        JsonObject details = state.getJsonObject("state_details");
        Instant expiration = RunJson.instant(details, "cache_expiration");
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, workspaceId);
            insert.setString(3, details.getString("cache_key"));
            insert.setTimestamp(4, expiration == null ? null : Timestamp.from(expiration));
            insert.setObject(5, UUID.fromString(state.getString("id")));
            insert.setTimestamp(6, Timestamp.from(now));
            insert.executeUpdate();
        }
    }
}
