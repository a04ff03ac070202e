package dev.steward.automations;

import dev.steward.access.TenantScope;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Console only: the automations list of the workspace that {@code ConsoleWorkspaces.call} entered, searched by name
 * (contains, any case, which Prefect's AutomationFilter cannot say), in one of Prefect's sorts, a page at a time, each
 * with when it last fired (the newest of its firings, found in the index {@code automation_firing_automation}). Every
 * statement names the workspace.
 */
@ApplicationScoped
public class AutomationsPageReadModel {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** One automation as the list shows it: its trigger and actions as Prefect's JSON. */
    public record Row(UUID id, String name, boolean enabled, String trigger, String actions, Instant updated,
                      Instant lastFired) {}

    @Transactional
    public List<Row> page(String search, AutomationSort sort, int offset, int limit) {
        UUID ws = TenantScope.workspaceId();
        // the sort's JPQL order reads as SQL too: it names the columns through the same alias
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement("select a.id, a.name, a.enabled, a.trigger, a.actions, "
                    + "a.updated, (select max(f.triggered_at) from automation_firing f where f.workspace_id = ? "
                    + "and f.automation_id = a.id) from automation a where a.workspace_id = ? "
                    + "and a.name ilike ? escape '\\' order by " + sort.jpql + " offset ? limit ?")) {
                s.setObject(1, ws);
                s.setObject(2, ws);
                s.setString(3, contains(search));
                s.setInt(4, offset);
                s.setInt(5, limit);
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime lastFired = rs.getObject(7, OffsetDateTime.class);
                        rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3),
                                rs.getString(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                                lastFired == null ? null : lastFired.toInstant()));
                    }
                }
                return rows;
            }
        });
    }

    @Transactional
    public long count(String search) {
        UUID ws = TenantScope.workspaceId();
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select count(*) from automation where workspace_id = ? and name ilike ? escape '\\'")) {
                s.setObject(1, ws);
                s.setString(2, contains(search));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** An ILIKE pattern for "contains the text", its wildcards taken literally. */
    private static String contains(String text) {
        return "%" + Where.likeLiteral(text == null ? "" : text.strip()) + "%";
    }
}
