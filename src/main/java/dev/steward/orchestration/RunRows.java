package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Flow-run and task-run rows written and read by plain JDBC, on the connection of the current JPA transaction.
 * Why not Hibernate here: a {@code find} of a workspace-partitioned entity rebuilds its load plan on every call (the
 * tenant filter makes the plan uncacheable), which JFR showed as two thirds of {@code set_state}'s CPU. Every
 * statement names the workspace, so one workspace never reads or changes another's rows.
 *
 * <p>The run document is the source of truth: the columns that filters and sorts use are derived from it by
 * PostgreSQL in the same statement ({@link #FLOW_RUN}, {@link #TASK_RUN}), so they cannot drift apart.
 */
final class RunRows {
    /** A locked flow run: its document and the related resources of its state events, or null when there is none. */
    record LockedFlowRun(String body, JsonArray related) {}

    /** Columns derived from a flow run's document {@code d.doc}, in insert and update alike. */
    private static final Derived FLOW_RUN = new Derived("flow_run", Map.of(
            "created", "(d.doc->>'created')::timestamptz",
            "flow_id", "(d.doc->>'flow_id')::uuid",
            "idempotency_key", "d.doc->>'idempotency_key'",
            "deployment_id", "(d.doc->>'deployment_id')::uuid",
            "work_queue_id", "(d.doc->>'work_queue_id')::uuid"), Map.of(
            "name", "d.doc->>'name'",
            "state_type", "d.doc->>'state_type'",
            "state_name", "d.doc->>'state_name'",
            "tags", "coalesce(array(select jsonb_array_elements_text(case jsonb_typeof(d.doc->'tags') "
                    + "when 'array' then d.doc->'tags' else '[]' end)), '{}')",
            "expected_start_time", "(d.doc->>'expected_start_time')::timestamptz",
            "start_time", "(d.doc->>'start_time')::timestamptz",
            "end_time", "(d.doc->>'end_time')::timestamptz",
            "updated", "(d.doc->>'updated')::timestamptz",
            // the order in which workers take scheduled runs (workers.ScheduledRuns)
            "next_scheduled_start_time", "case d.doc->>'state_type' when 'SCHEDULED' then "
                    + "(d.doc->'state'->'state_details'->>'scheduled_time')::timestamptz end",
            "body", "d.doc"));

    /** Columns derived from a task run's document; the state timestamp decides which state is newest. */
    private static final Derived TASK_RUN = new Derived("task_run", Map.of(
            "created", "(d.doc->>'created')::timestamptz"), Map.of(
            "flow_run_id", "(d.doc->>'flow_run_id')::uuid",
            "name", "coalesce(d.doc->>'name', '')",
            "state_type", "d.doc->>'state_type'",
            "state_timestamp", "(d.doc->'state'->>'timestamp')::timestamptz",
            "updated", "(d.doc->>'updated')::timestamptz",
            "body", "d.doc"));

    /**
     * The insert and update statements of a run table: the insert sets the fixed columns and the derived ones, the
     * update the derived ones, each from the same expressions over the document.
     */
    private record Derived(String insert, String update) {
        Derived(String table, Map<String, String> fixed, Map<String, String> derived) {
            this(insertOf(table, fixed, derived), updateOf(table, new TreeMap<>(derived)));
        }

        private static String insertOf(String table, Map<String, String> fixed, Map<String, String> derived) {
            Map<String, String> columns = new TreeMap<>(fixed);
            columns.putAll(derived);
            return "insert into " + table + " (id, workspace_id, " + String.join(", ", columns.keySet())
                    + ") select (d.doc->>'id')::uuid, ?, " + String.join(", ", columns.values())
                    + " from (select ?::jsonb as doc) d";
        }

        private static String updateOf(String table, Map<String, String> derived) {
            StringBuilder set = new StringBuilder();
            derived.forEach((column, expression) -> set.append(set.isEmpty() ? "" : ", ").append(column)
                    .append(" = ").append(expression));
            return "update " + table + " r set " + set + " from (select ?::jsonb as doc) d "
                    + "where r.workspace_id = ? and r.id = (d.doc->>'id')::uuid";
        }
    }

    /** Work on a transaction's connection for a workspace. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c, UUID workspaceId) throws SQLException;
    }

    private RunRows() {}

    /** Runs the work on the JDBC connection of the entity manager's transaction, for the session's workspace. */
    static <T> T with(EntityManager em, Work<T> work) {
        Session session = em.unwrap(Session.class);
        UUID workspaceId = TenantScope.workspaceId();
        return session.doReturningWork(c -> work.run(c, workspaceId));
    }

    /**
     * Inserts a new flow run; with an idempotency key already used for the flow, nothing is written.
     * @return whether the run was inserted
     */
    static boolean insertFlowRun(Connection c, UUID workspaceId, JsonObject doc) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                FLOW_RUN.insert() + " on conflict (workspace_id, flow_id, idempotency_key) do nothing")) {
            insert.setObject(1, workspaceId);
            insert.setString(2, doc.toString());
            return insert.executeUpdate() == 1;
        }
    }

    /** The document of the flow's run with this idempotency key, or null. */
    static String flowRunByIdempotencyKey(Connection c, UUID workspaceId, UUID flowId, String key) throws SQLException {
        return firstColumn(c, "select body from flow_run where workspace_id = ? and flow_id = ? and idempotency_key = ?",
                workspaceId, flowId, key);
    }

    /** The flow's name, or null when the workspace has no such flow. */
    static String flowName(Connection c, UUID workspaceId, UUID flowId) throws SQLException {
        return firstColumn(c, "select name from flow where workspace_id = ? and id = ?", workspaceId, flowId);
    }

    /** The run's document, or null. */
    static String flowRun(Connection c, UUID workspaceId, UUID id) throws SQLException {
        return firstColumn(c, "select body from flow_run where workspace_id = ? and id = ?", workspaceId, id);
    }

    /** Locks the run's row until the transaction ends and reads it with its related resources; null when there is none. */
    static LockedFlowRun lockFlowRun(Connection c, UUID workspaceId, UUID id) throws SQLException {
        return flowRunWithRelated(c, workspaceId, id, " for update of r");
    }

    /** The run (just written in this transaction, say) with its related resources; null when there is none. */
    static LockedFlowRun flowRunWithRelated(Connection c, UUID workspaceId, UUID id) throws SQLException {
        return flowRunWithRelated(c, workspaceId, id, "");
    }

    /**
     * The run and, in the same statement, what Prefect relates its state events to: flow, deployment, work queue and
     * pool, the parent task run, and the tags of the run, flow, deployment and parent.
     */
    private static LockedFlowRun flowRunWithRelated(Connection c, UUID workspaceId, UUID id, String lock) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("""
                select r.body, f.id, f.name, f.tags, q.id, q.name, p.id, p.name, p.type, t.id, t.name, t.body->'tags',
                       d.id, d.name, d.tags
                from flow_run r
                left join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id
                left join deployment d on d.id = r.deployment_id and d.workspace_id = r.workspace_id
                left join work_queue q on q.id = r.work_queue_id and q.workspace_id = r.workspace_id
                left join work_pool p on p.id = q.work_pool_id
                left join task_run t on t.id = (r.body->>'parent_task_run_id')::uuid and t.workspace_id = r.workspace_id
                where r.workspace_id = ? and r.id = ?""" + lock)) {
            select.setObject(1, workspaceId);
            select.setObject(2, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new LockedFlowRun(rs.getString(1), related(rs)) : null;
            }
        }
    }

    /**
     * Prefect's related resources of a flow-run event, in its order: flow, deployment, work queue, work pool (with its
     * type), parent task run, then one {@code prefect.tag.<tag>} per tag of the run, flow, deployment and parent,
     * sorted. (Prefect adds the run's creator when a deployment or automation made it; Steward keeps no creator.)
     */
    private static JsonArray related(ResultSet rs) throws SQLException {
        JsonArrayBuilder out = Json.createArrayBuilder();
        java.util.SortedSet<String> tags = new java.util.TreeSet<>();
        JsonObject run = Json.parseObject(rs.getString(1));
        if (run.get("tags") instanceof JsonArray t) t.getValuesAs(JsonString.class).forEach(v -> tags.add(v.getString()));
        if (rs.getString(2) != null) {
            out.add(resource("flow", rs.getString(2), "flow", rs.getString(3)));
            java.sql.Array flowTags = rs.getArray(4);
            if (flowTags != null) tags.addAll(java.util.List.of((String[]) flowTags.getArray()));
        }
        if (rs.getString(13) != null) {
            out.add(resource("deployment", rs.getString(13), "deployment", rs.getString(14)));
            tags.addAll(java.util.List.of((String[]) rs.getArray(15).getArray()));
        }
        if (rs.getString(5) != null) out.add(resource("work-queue", rs.getString(5), "work-queue", rs.getString(6)));
        if (rs.getString(7) != null) {
            out.add(Json.createObjectBuilder(resource("work-pool", rs.getString(7), "work-pool", rs.getString(8)))
                    .add("prefect.work-pool.type", rs.getString(9)).build());
        }
        if (rs.getString(10) != null) {
            out.add(resource("task-run", rs.getString(10), "task-run", rs.getString(11)));
            if (Json.parse(rs.getString(12)) instanceof JsonArray t) {
                t.getValuesAs(JsonString.class).forEach(v -> tags.add(v.getString()));
            }
        }
        tags.forEach(tag -> out.add(Json.createObjectBuilder().add("prefect.resource.id", "prefect.tag." + tag)
                .add("prefect.resource.role", "tag")));
        return out.build();
    }

    private static JsonObject resource(String kind, String id, String role, String name) {
        return Json.createObjectBuilder().add("prefect.resource.id", "prefect." + kind + "." + id)
                .add("prefect.resource.role", role).add("prefect.resource.name", name).build();
    }

    /** Replaces the run's document and the columns derived from it. */
    static void updateFlowRun(Connection c, UUID workspaceId, JsonObject doc) throws SQLException {
        update(c, FLOW_RUN.update(), workspaceId, doc);
    }

    static void insertFlowRunState(Connection c, UUID workspaceId, UUID flowRunId, JsonObject state) throws SQLException {
        insertState(c, "flow_run_state", "flow_run_id", workspaceId, flowRunId, state);
    }

    /** Inserts a new task run (the caller has checked that its keys are not taken). */
    static void insertTaskRun(Connection c, UUID workspaceId, JsonObject doc) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(TASK_RUN.insert())) {
            insert.setObject(1, workspaceId);
            insert.setString(2, doc.toString());
            insert.executeUpdate();
        }
    }

    /** The document of the task run with these keys (without a flow run: of no flow run), or null. */
    static String taskRunByKeys(Connection c, UUID workspaceId, UUID flowRunId, String taskKey, String dynamicKey)
            throws SQLException {
        String sql = "select body from task_run where workspace_id = ? and body->>'task_key' = ? "
                + "and body->>'dynamic_key' = ? and flow_run_id ";
        return flowRunId == null
                ? firstColumn(c, sql + "is null limit 1", workspaceId, taskKey, dynamicKey)
                : firstColumn(c, sql + "= ? limit 1", workspaceId, taskKey, dynamicKey, flowRunId);
    }

    /** The task run's document, or null. */
    static String taskRun(Connection c, UUID workspaceId, UUID id) throws SQLException {
        return firstColumn(c, "select body from task_run where workspace_id = ? and id = ?", workspaceId, id);
    }

    /** Locks the task run's row until the transaction ends and reads its document; null when there is none. */
    static String lockTaskRun(Connection c, UUID workspaceId, UUID id) throws SQLException {
        return firstColumn(c, "select body from task_run where workspace_id = ? and id = ? for update", workspaceId, id);
    }

    static void updateTaskRun(Connection c, UUID workspaceId, JsonObject doc) throws SQLException {
        update(c, TASK_RUN.update(), workspaceId, doc);
    }

    static void insertTaskRunState(Connection c, UUID workspaceId, UUID taskRunId, JsonObject state) throws SQLException {
        insertState(c, "task_run_state", "task_run_id", workspaceId, taskRunId, state);
    }

    private static void update(Connection c, String sql, UUID workspaceId, JsonObject doc) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, doc.toString());
            update.setObject(2, workspaceId);
            update.executeUpdate();
        }
    }

    private static void insertState(Connection c, String table, String runColumn, UUID workspaceId, UUID runId,
                                    JsonObject state) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into " + table
                + " (id, workspace_id, " + runColumn + ", type, name, timestamp, body) "
                + "select (s->>'id')::uuid, ?, ?, s->>'type', s->>'name', (s->>'timestamp')::timestamptz, s "
                + "from (select ?::jsonb s) d")) {
            insert.setObject(1, workspaceId);
            insert.setObject(2, runId);
            insert.setString(3, state.toString());
            insert.executeUpdate();
        }
    }

    /** The first column of the first row the query finds, or null. */
    private static String firstColumn(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) select.setObject(i + 1, parameters[i]);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
