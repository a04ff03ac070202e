package dev.steward.orchestration;

import dev.steward.platform.Body;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every read and write of task runs and their states by the services and resources, in the caller's transaction,
 * the workspace the first parameter of each method; see {@link FlowRunStore}. Task runs from the client's events are
 * the exception: {@link TaskRunRecorder} writes a whole ingest batch with one upsert and a COPY of its own.
 */
@ApplicationScoped
public class TaskRunStore {
    /** Columns derived from a task run's document; the state timestamp decides which state is newest. */
    static final RunTable TASK_RUN = new RunTable("task_run", "task_run_state", "task_run_id", Map.of(
            "created", "(d.doc->>'created')::timestamptz"), Map.of(
            "flow_run_id", "(d.doc->>'flow_run_id')::uuid",
            "name", "coalesce(d.doc->>'name', '')",
            "state_type", "d.doc->>'state_type'",
            "state_timestamp", "(d.doc->'state'->>'timestamp')::timestamptz",
            "updated", "(d.doc->>'updated')::timestamptz",
            "body", "d.doc"));

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A store on this entity manager (tests, and callers outside CDI). */
    static TaskRunStore of(EntityManager em) {
        TaskRunStore store = new TaskRunStore();
        store.em = em;
        return store;
    }

    /** Inserts a new task run with its first state (the caller has checked that its keys are not taken). */
    public void insert(UUID workspace, JsonObject doc, JsonObject state) {
        jdbc(c -> {
            TASK_RUN.insert(c, workspace, doc);
            TASK_RUN.insertState(c, workspace, UUID.fromString(doc.getString("id")), state);
            return null;
        });
    }

    /** The document of the task run with these keys (without a flow run: of no flow run). */
    public Optional<String> findByKeys(UUID workspace, UUID flowRunId, String taskKey, String dynamicKey) {
        String sql = "select body from task_run where workspace_id = ? and body->>'task_key' = ? "
                + "and body->>'dynamic_key' = ? and flow_run_id ";
        return Optional.ofNullable(jdbc(c -> flowRunId == null
                ? RunTable.firstColumn(c, sql + "is null limit 1", workspace, taskKey, dynamicKey)
                : RunTable.firstColumn(c, sql + "= ? limit 1", workspace, taskKey, dynamicKey, flowRunId)));
    }

    /** The task run's document. */
    public Optional<String> find(UUID workspace, UUID id) {
        return Optional.ofNullable(jdbc(c -> TASK_RUN.document(c, workspace, id, "")));
    }

    /** Locks the task run's row until the transaction ends and reads its document. */
    public Optional<String> lock(UUID workspace, UUID id) {
        return Optional.ofNullable(jdbc(c -> TASK_RUN.document(c, workspace, id, " for update")));
    }

    /** Replaces the task run's document, whose new state joins the run's history. */
    public void update(UUID workspace, JsonObject doc, JsonObject newState) {
        jdbc(c -> {
            TASK_RUN.update(c, workspace, doc);
            TASK_RUN.insertState(c, workspace, UUID.fromString(doc.getString("id")), newState);
            return null;
        });
    }

    /** The task run's states, oldest first, as documents. */
    public List<String> states(UUID workspace, UUID id) {
        return jdbc(c -> TASK_RUN.states(c, workspace, id));
    }

    /** A page of the flow run's task runs in the order they were created, as documents. */
    public List<String> ofFlowRun(UUID workspace, UUID flowRunId, int offset, int limit) {
        return jdbc(c -> RunTable.strings(c, "select body from task_run where workspace_id = ? and flow_run_id = ? "
                + "order by created, id offset ? limit ?", workspace, flowRunId, offset, limit));
    }

    /** How many task runs the flow run has. */
    public long countOfFlowRun(UUID workspace, UUID flowRunId) {
        return RunQuery.taskRunsOf(workspace, flowRunId).count(em);
    }

    /** {@code /task_runs/filter}: the page the body asks for, in its sort, each run as its document. */
    public JsonArray filter(UUID workspace, Body body) {
        String order = RunQuery.taskOrder(body.optionalString("sort").orElse("ID_DESC"));
        return RunQuery.taskRuns(workspace, body).pageAsJson(em, TaskRun.class, order, body, TaskRun::getBody);
    }

    /** {@code /task_runs/count}. */
    public long count(UUID workspace, Body body) {
        return RunQuery.taskRuns(workspace, body).count(em);
    }

    /** {@code /task_runs/history}. */
    public JsonArray history(UUID workspace, Body body) {
        return RunHistory.taskRuns(em, workspace, body);
    }

    /** The newest cached state for the key that is unexpired at {@code now}, or null ({@link TaskRunCache}). */
    JsonObject cachedState(UUID workspace, String cacheKey, Instant now) {
        return jdbc(c -> TaskRunCache.find(c, workspace, cacheKey, now));
    }

    /** Caches a written state under its cache key ({@link TaskRunCache}). */
    void cache(UUID workspace, JsonObject state, Instant now) {
        jdbc(c -> {
            TaskRunCache.insert(c, workspace, state, now);
            return null;
        });
    }

    private <T> T jdbc(RunTable.Work<T> work) {
        return RunTable.jdbc(em, work);
    }
}
