package dev.steward.orchestration;

import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The JDBC plumbing that {@link FlowRunStore} and {@link TaskRunStore} share: a run table whose filter and sort
 * columns PostgreSQL derives from the run's document in the same statement (so they cannot drift apart), and the
 * table of the run's states. Every statement names the workspace. Plain JDBC on the connection of the current JPA
 * transaction, not Hibernate: a {@code find} of a workspace-partitioned entity rebuilds its load plan on every call
 * (the tenant filter makes the plan uncacheable), which JFR showed as two thirds of {@code set_state}'s CPU.
 */
final class RunTable {
    private final String table;
    private final String insert;
    private final String update;
    private final String insertState;
    private final String states;

    /** Work on a transaction's connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * @param fixed the columns set at insert only, each the expression over the document {@code d.doc} it holds
     * @param derived the columns set at insert and at every update
     */
    RunTable(String table, String stateTable, String runColumn, Map<String, String> fixed, Map<String, String> derived) {
        this.table = table;
        Map<String, String> columns = new TreeMap<>(fixed);
        columns.putAll(derived);
        this.insert = "insert into " + table + " (id, workspace_id, " + String.join(", ", columns.keySet())
                + ") select (d.doc->>'id')::uuid, ?, " + String.join(", ", columns.values())
                + " from (select ?::jsonb as doc) d";
        StringBuilder set = new StringBuilder();
        new TreeMap<>(derived).forEach((column, expression) -> set.append(set.isEmpty() ? "" : ", ").append(column)
                .append(" = ").append(expression));
        this.update = "update " + table + " r set " + set + " from (select ?::jsonb as doc) d "
                + "where r.workspace_id = ? and r.id = (d.doc->>'id')::uuid";
        this.insertState = "insert into " + stateTable + " (id, workspace_id, " + runColumn
                + ", type, name, timestamp, body) "
                + "select (s->>'id')::uuid, ?, ?, s->>'type', s->>'name', (s->>'timestamp')::timestamptz, s "
                + "from (select ?::jsonb s) d";
        this.states = "select body from " + stateTable + " where workspace_id = ? and " + runColumn + " = ? "
                + "order by timestamp, id";
    }

    /** Runs the work on the JDBC connection of the entity manager's transaction. */
    static <T> T jdbc(EntityManager em, Work<T> work) {
        return em.unwrap(Session.class).doReturningWork(work::run);
    }

    /** Inserts a run (the caller knows its keys are free). */
    void insert(Connection c, UUID workspace, JsonObject doc) throws SQLException {
        insert(c, workspace, doc, "");
    }

    /** Inserts a run; {@code conflict} is what follows the insert (an ON CONFLICT clause, or nothing). */
    boolean insert(Connection c, UUID workspace, JsonObject doc, String conflict) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(this.insert + conflict)) {
            insert.setObject(1, workspace);
            insert.setString(2, doc.toString());
            return insert.executeUpdate() == 1;
        }
    }

    /** Replaces the run's document and the columns derived from it. */
    void update(Connection c, UUID workspace, JsonObject doc) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(this.update)) {
            update.setString(1, doc.toString());
            update.setObject(2, workspace);
            update.executeUpdate();
        }
    }

    /** Adds a state to the run's history. */
    void insertState(Connection c, UUID workspace, UUID runId, JsonObject state) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(insertState)) {
            insert.setObject(1, workspace);
            insert.setObject(2, runId);
            insert.setString(3, state.toString());
            insert.executeUpdate();
        }
    }

    /** The run's states, oldest first, as documents. */
    List<String> states(Connection c, UUID workspace, UUID runId) throws SQLException {
        return strings(c, states, workspace, runId);
    }

    /** The run's document as stored (JSON text, served as it is), or null; {@code lock}: " for update" or "". */
    String document(Connection c, UUID workspace, UUID id, String lock) throws SQLException {
        return firstColumn(c, "select body from " + table + " where workspace_id = ? and id = ?" + lock, workspace, id);
    }

    /** The first column of every row the query finds. */
    static List<String> strings(Connection c, String sql, Object... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) select.setObject(i + 1, parameters[i]);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The first column of the first row the query finds, or null. */
    static String firstColumn(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) select.setObject(i + 1, parameters[i]);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
