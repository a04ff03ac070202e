package dev.steward.automations;

import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Console only: an automation's firing history in the workspace that {@code ConsoleWorkspaces.call} entered, newest
 * first: each firing's time and triggering event (as the firing recorded it), and each of its actions' run: status,
 * attempts, the reason of its last failure, when it finished. Every statement names the workspace.
 */
@ApplicationScoped
public class AutomationPageReadModel {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** One firing: when, the event that caused it (null when none, as a proactive trigger's may have none). */
    public record Fired(UUID id, Instant triggered, JsonObject triggeringEvent, List<ActionOutcome> actions) {}

    /** One action run of a firing: {@code status} pending, running, succeeded or failed. */
    public record ActionOutcome(int index, String type, String status, int attempts, String reason,
                                Instant finished) {}

    @Transactional
    public List<Fired> firings(UUID automationId, int offset, int limit) {
        UUID ws = TenantScope.workspaceId();
        return em.unwrap(Session.class).doReturningWork(c -> {
            Map<UUID, Fired> firings = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("select id, triggered_at, firing from automation_firing "
                    + "where workspace_id = ? and automation_id = ? order by triggered_at desc, id "
                    + "offset ? limit ?")) {
                s.setObject(1, ws);
                s.setObject(2, automationId);
                s.setInt(3, offset);
                s.setInt(4, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        JsonValue event = Json.parseObject(rs.getString(3)).get("triggering_event");
                        UUID id = rs.getObject(1, UUID.class);
                        firings.put(id, new Fired(id, instant(rs, 2),
                                event instanceof JsonObject o ? o : null, new ArrayList<>()));
                    }
                }
            }
            if (firings.isEmpty()) return List.of();
            try (PreparedStatement s = c.prepareStatement("select firing_id, action_index, action, status, attempts, "
                    + "reason, finished_at from automation_action_run where workspace_id = ? and firing_id = any(?) "
                    + "order by action_index")) {
                s.setObject(1, ws);
                s.setArray(2, c.createArrayOf("uuid", firings.keySet().toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        firings.get(rs.getObject(1, UUID.class)).actions().add(new ActionOutcome(rs.getInt(2),
                                Json.parseObject(rs.getString(3)).getString("type"), rs.getString(4), rs.getInt(5),
                                rs.getString(6), instant(rs, 7)));
                    }
                }
            }
            return List.copyOf(firings.values());
        });
    }

    @Transactional
    public long count(UUID automationId) {
        UUID ws = TenantScope.workspaceId();
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select count(*) from automation_firing where workspace_id = ? and automation_id = ?")) {
                s.setObject(1, ws);
                s.setObject(2, automationId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
