package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Where;
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
 * Console only: what the console's run pages read about one flow run or task run, in a transaction of the workspace
 * that {@code ConsoleWorkspaces.call} entered: documents as the API returns them, state histories, pages of task runs
 * (from the run stores) and the graph ({@link RunGraph}), and what only the pages read: the results the task runs'
 * states point at and logs searched by text.
 */
@ApplicationScoped
@Transactional
public class RunPageReadModel {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    FlowRunStore flowRuns;

    @Inject
    TaskRunStore taskRuns;

    @Inject
    RunGraph graph;

    /** A result a state points at: the run that wrote it, and the state's {@code data} as JSON text. */
    public record Result(UUID taskRunId, String runName, String taskKey, String stateType, String data) {}

    /** Which logs: of a flow run (with its task runs' logs) or of one task run, at or above a level, containing text. */
    public record LogQuery(UUID flowRunId, UUID taskRunId, int minLevel, String text, boolean newestFirst) {}

    /** The flow run's document, or null. */
    public String flowRun(UUID id) {
        return flowRuns.find(workspace(), id).orElse(null);
    }

    /** The task run's document, or null. */
    public String taskRun(UUID id) {
        return taskRuns.find(workspace(), id).orElse(null);
    }

    /** The flow's name, or null. */
    public String flowName(UUID flowId) {
        return flowRuns.flowName(workspace(), flowId).orElse(null);
    }

    /** The graph-v2 document of the flow run (the same JSON as {@code GET /flow_runs/{id}/graph-v2}). */
    public String graph(UUID flowRunId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            graph.of(workspace(), flowRunId, null).write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every state of a flow run ({@code flowRun}) or task run, oldest first, as documents. */
    public List<String> states(boolean flowRun, UUID runId) {
        return flowRun ? flowRuns.states(workspace(), runId) : taskRuns.states(workspace(), runId);
    }

    /** A page of the flow run's task runs in the order they were created, as documents. */
    public List<String> taskRuns(UUID flowRunId, int offset, int limit) {
        return taskRuns.ofFlowRun(workspace(), flowRunId, offset, limit);
    }

    public long countTaskRuns(UUID flowRunId) {
        return taskRuns.countOfFlowRun(workspace(), flowRunId);
    }

    /** The results of the flow run's task runs: each task run whose current state carries data, in creation order. */
    public List<Result> taskResults(UUID flowRunId) {
        UUID ws = workspace();
        return RunTable.jdbc(em, c -> {
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
        Where where = new Where();
        where.and(query.taskRunId() != null ? "l.taskRunId = " + where.param(query.taskRunId())
                : "l.flowRunId = " + where.param(query.flowRunId()));
        where.and("l.level >= " + where.param(query.minLevel()));
        if (!text.isEmpty()) {
            String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            where.and("lower(l.message) like " + where.param(pattern) + " escape '\\'");
        }
        return where.bind(em.createQuery(select + where.clause() + order, type));
    }

    private static UUID workspace() {
        return TenantScope.workspaceId();
    }
}
