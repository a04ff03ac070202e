package dev.steward.orchestration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What the console's run pages read about one flow run or task run, in the tenant's transaction: documents as the
 * API returns them, state histories, pages of task runs and logs, the results the states point at, and the graph.
 */
@ApplicationScoped
@Transactional
public class RunReads {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    RunGraph graph;

    /** A result a state points at: the run that wrote it, and the state's {@code data} as JSON text. */
    public record Result(UUID taskRunId, String runName, String taskKey, String stateType, String data) {}

    /** Which logs: of a flow run (with its task runs' logs) or of one task run, at or above a level, containing text. */
    public record LogQuery(UUID flowRunId, UUID taskRunId, int minLevel, String text, boolean newestFirst) {}

    /** The flow run's document, or null. */
    public String flowRun(UUID id) {
        return RunRows.with(em, (c, ws) -> RunRows.flowRun(c, ws, id));
    }

    /** The task run's document, or null. */
    public String taskRun(UUID id) {
        return RunRows.with(em, (c, ws) -> RunRows.taskRun(c, ws, id));
    }

    /** The flow's name, or null. */
    public String flowName(UUID flowId) {
        return RunRows.with(em, (c, ws) -> RunRows.flowName(c, ws, flowId));
    }

    /** The graph-v2 document of the flow run (the same JSON as {@code GET /flow_runs/{id}/graph-v2}). */
    public String graph(UUID flowRunId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            graph.of(flowRunId, null).write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every state of a flow run ({@code flowRun}) or task run, oldest first, as documents. */
    public List<String> states(boolean flowRun, UUID runId) {
        String sql = flowRun
                ? "select body from flow_run_state where workspace_id = ? and flow_run_id = ? order by timestamp, id"
                : "select body from task_run_state where workspace_id = ? and task_run_id = ? order by timestamp, id";
        return strings(sql, runId, 0, Integer.MAX_VALUE);
    }

    /** A page of the flow run's task runs in the order they were created, as documents. */
    public List<String> taskRuns(UUID flowRunId, int offset, int limit) {
        return strings("select body from task_run where workspace_id = ? and flow_run_id = ? order by created, id"
                + " offset ? limit ?", flowRunId, offset, limit);
    }

    public long countTaskRuns(UUID flowRunId) {
        return em.createQuery("select count(t) from TaskRun t where t.flowRunId = :run", Long.class)
                .setParameter("run", flowRunId).getSingleResult();
    }

    /** The results of the flow run's task runs: each task run whose current state carries data, in creation order. */
    public List<Result> taskResults(UUID flowRunId) {
        return RunRows.with(em, (c, ws) -> {
            List<Result> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("""
                    select id, name, body ->> 'task_key', state_type, body -> 'state' -> 'data' from task_run
                    where workspace_id = ? and flow_run_id = ? and jsonb_typeof(body -> 'state' -> 'data') is not null
                      and jsonb_typeof(body -> 'state' -> 'data') <> 'null'
                    order by created, id""")) {
                q.setObject(1, ws);
                q.setObject(2, flowRunId);
                q.setFetchSize(1_000);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Result(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    /** A page of logs, oldest or newest first. */
    public List<LogEntry> logs(LogQuery query, int offset, int limit) {
        TypedQuery<LogEntry> q = logQuery("select l from LogEntry l", query,
                query.newestFirst() ? " order by l.timestamp desc, l.id desc" : " order by l.timestamp asc, l.id asc",
                LogEntry.class);
        return q.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public long countLogs(LogQuery query) {
        return logQuery("select count(l) from LogEntry l", query, "", Long.class).getSingleResult();
    }

    private <T> TypedQuery<T> logQuery(String select, LogQuery query, String order, Class<T> type) {
        String text = query.text() == null ? "" : query.text().strip().toLowerCase(Locale.ROOT);
        String where = (query.taskRunId() != null ? " where l.taskRunId = :run" : " where l.flowRunId = :run")
                + " and l.level >= :level" + (text.isEmpty() ? "" : " and lower(l.message) like :text escape '\\'");
        TypedQuery<T> q = em.createQuery(select + where + order, type)
                .setParameter("run", query.taskRunId() != null ? query.taskRunId() : query.flowRunId())
                .setParameter("level", query.minLevel());
        if (!text.isEmpty()) {
            q.setParameter("text", "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        return q;
    }

    private List<String> strings(String sql, UUID runId, int offset, int limit) {
        return RunRows.with(em, (c, ws) -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setObject(1, ws);
                q.setObject(2, runId);
                if (sql.contains("offset ?")) {
                    q.setInt(3, offset);
                    q.setInt(4, limit);
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) out.add(rs.getString(1));
                }
            }
            return out;
        });
    }
}
