package dev.steward.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.steward.platform.Body;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The task-run cache on real PostgreSQL: newest unexpired entry per key and workspace, gone with its state. */
class TaskRunCacheTest {
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void newestUnexpiredEntryWinsPerWorkspace() throws Exception {
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            UUID ws = workspace(c);
            UUID other = workspace(c);
            UUID taskRun = UUID.randomUUID();
            exec(c, "insert into task_run (id, workspace_id, name, created, updated, body) values (?, ?, 't', now(), now(), '{}')",
                    taskRun, ws);
            JsonObject old = completed(c, ws, taskRun, "k", null, "old");
            TaskRunCache.insert(c, ws, old, NOW.minusSeconds(60));
            JsonObject newer = completed(c, ws, taskRun, "k", NOW.plusSeconds(60), "new");
            TaskRunCache.insert(c, ws, newer, NOW.minusSeconds(30));
            JsonObject expired = completed(c, ws, taskRun, "k", NOW.minusSeconds(1), "expired");
            TaskRunCache.insert(c, ws, expired, NOW.minusSeconds(10));

            assertEquals("new", TaskRunCache.find(c, ws, "k", NOW).getString("message"), "the newest entry not expired");
            assertEquals("old", TaskRunCache.find(c, ws, "k", NOW.plusSeconds(120)).getString("message"), "no expiration: forever");
            assertNull(TaskRunCache.find(c, ws, "other-key", NOW));
            assertNull(TaskRunCache.find(c, other, "k", NOW), "another workspace's cache is not seen");

            exec(c, "delete from task_run_state where task_run_id = ?", taskRun);
            assertNull(TaskRunCache.find(c, ws, "k", NOW), "entries go with their states");
        }
    }

    private static JsonObject completed(Connection c, UUID ws, UUID taskRun, String key, Instant expiration, String message)
            throws Exception {
        String details = "{\"cache_key\":\"" + key + "\"" + (expiration == null ? "" : ",\"cache_expiration\":\"" + expiration + "\"") + "}";
        JsonObject state = RunJson.newState(Body.parse("{\"type\":\"COMPLETED\",\"message\":\"" + message + "\",\"state_details\":"
                + details + "}"), "state", null, taskRun, NOW);
        exec(c, "insert into task_run_state (id, workspace_id, task_run_id, type, name, timestamp, body) "
                + "values (?, ?, ?, 'COMPLETED', 'Completed', ?, ?::jsonb)", UUID.fromString(state.getString("id")), ws, taskRun,
                Timestamp.from(NOW), state.toString());
        return state;
    }

    private static UUID workspace(Connection c) throws Exception {
        UUID id = UUID.randomUUID();
        exec(c, "insert into workspace (id, slug, name, created) values (?, ?, 'c', now())", id, "c-" + id.toString().substring(0, 8));
        return id;
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
            s.executeUpdate();
        }
    }
}
