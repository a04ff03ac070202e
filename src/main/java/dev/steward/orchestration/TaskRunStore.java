package dev.steward.orchestration;

import dev.steward.platform.BinaryCopy;
import dev.steward.platform.Body;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every read and write of task runs and their states, in the caller's transaction, the workspace the first parameter
 * of each method; see {@link FlowRunStore}. Task runs from the client's events are written a whole ingest batch at a
 * time, with one upsert and a COPY ({@link #recordEvents}).
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

    /**
     * A newer state replaces the run's document; an older one leaves it (its state only joins the history). The
     * document keeps the created time of the first event. Task-run ids are the client's, unique per workspace only:
     * the run, its event and its key are the workspace's own, and another workspace's run with the same id is another
     * run, never touched.
     *
     * <p>The batch goes over as one JSON array, one element per task run: {@code {fields, state, event}} (see
     * {@link TaskRunRecorder}). PostgreSQL puts the document together: Prefect's defaults, then the task_run of the event
     * as the client sent it, read from the event's row stored moments before in this transaction (so neither side
     * writes or parses that large object again), then the fields the server sets (which include id, flow_run_id
     * and created, so the client's are overwritten), then the state.
     */
    private static final String UPSERT_RUNS = """
            insert into task_run as r (id, workspace_id, flow_run_id, name, state_type, state_timestamp, created, updated, body)
            select (x.f ->> 'id')::uuid, ?, (x.f ->> 'flow_run_id')::uuid,
                   case jsonb_typeof(x.t -> 'name') when 'string' then left(x.t ->> 'name', %d) else '' end,
                   x.s ->> 'type', (x.s ->> 'timestamp')::timestamptz, ?, ?,
                   ?::jsonb || x.t || x.f || jsonb_build_object('state', x.s)
            from jsonb_array_elements(?::jsonb) e
            join event ev on ev.workspace_id = ? and ev.id = (e ->> 'event')::uuid,
                 lateral (select e -> 'fields' as f, e -> 'state' as s, ev.payload -> 'task_run' as t) x
            on conflict (workspace_id, id) do update
            set flow_run_id = excluded.flow_run_id, name = excluded.name, state_type = excluded.state_type,
                state_timestamp = excluded.state_timestamp, updated = excluded.updated,
                body = excluded.body || jsonb_build_object('created', r.body -> 'created')
            where r.state_timestamp is null or excluded.state_timestamp >= r.state_timestamp"""
            .formatted(RunJson.MAX_NAME_LENGTH);

    /**
     * The states, by COPY (PostgreSQL's bulk path). A state's id is its event's, and only events not stored in the
     * workspace before get here, so no state can be there already.
     */
    private static final String COPY_STATES = "copy task_run_state (id, workspace_id, task_run_id, type, name, timestamp, "
            + "body) from stdin (format binary)";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A task-run state from the client's events, to record: its id is the event's; {@code body} its JSON text. */
    public record EventState(UUID id, UUID taskRunId, String type, String name, Instant timestamp, String body) {}

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

    /**
     * Records a batch of the client's task-run events ({@link TaskRunRecorder}): {@code runs}, a JSON array of
     * {@code {fields, state, event}}, one per task run with its newest state, is upserted in one statement, and every
     * state of the batch is COPYed into the runs' histories.
     */
    public void recordEvents(UUID workspace, String runs, List<EventState> states, Instant now) {
        jdbc(c -> {
            upsertRuns(c, workspace, runs, now);
            copyStates(c, workspace, states);
            return null;
        });
    }

    private static void upsertRuns(Connection c, UUID workspaceId, String runs, Instant now) throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement(UPSERT_RUNS)) {
            upsert.setObject(1, workspaceId);
            upsert.setTimestamp(2, Timestamp.from(now));
            upsert.setTimestamp(3, Timestamp.from(now));
            upsert.setString(4, TaskRunDocument.DEFAULTS);
            upsert.setString(5, runs);
            upsert.setObject(6, workspaceId);
            upsert.executeUpdate();
        }
    }

    private static void copyStates(Connection c, UUID workspaceId, List<EventState> states) throws SQLException {
        if (states.isEmpty()) return;
        BinaryCopy.copy(c, COPY_STATES, 64 * 1024, row -> {
            for (EventState s : states) {
                row.start(7).uuid(s.id()).uuid(workspaceId).uuid(s.taskRunId()).text(s.type()).text(s.name())
                        .timestamptz(s.timestamp()).jsonb(s.body());
            }
        });
    }

    /** The newest cached state for the key that is unexpired at {@code now}, or null ({@link TaskRunCache}). */
    public JsonObject cachedState(UUID workspace, String cacheKey, Instant now) {
        return jdbc(c -> TaskRunCache.find(c, workspace, cacheKey, now));
    }

    /** Caches a written state under its cache key ({@link TaskRunCache}). */
    public void cache(UUID workspace, JsonObject state, Instant now) {
        jdbc(c -> {
            TaskRunCache.insert(c, workspace, state, now);
            return null;
        });
    }

    private <T> T jdbc(RunTable.Work<T> work) {
        return RunTable.jdbc(em, work);
    }
}
