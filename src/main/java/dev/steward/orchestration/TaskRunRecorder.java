package dev.steward.orchestration;

import dev.steward.events.IngestedEvents;
import dev.steward.events.RunEvent;
import dev.steward.platform.BinaryCopy;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Turns the task-run events a Prefect client sends ({@code prefect.task-run.<State>}) into task runs and their state
 * histories, as Prefect's task_run_recorder does: the task run's id is in the resource id, its flow run is the related
 * resource with role flow-run, the state is the payload's validated_state with the event's id and time. Idempotent
 * (only events not stored before reach it) and order-independent: the newest state by timestamp is the current one,
 * whatever order the events arrive in. Works a whole ingest batch with an upsert of its runs and a COPY of its states,
 * in the transaction that stores the events.
 */
@ApplicationScoped
public class TaskRunRecorder {
    static final String PREFIX = "prefect.task-run.";

    /**
     * A newer state replaces the run's document; an older one leaves it (its state only joins the history). The
     * document keeps the created time of the first event. Task-run ids are the client's, unique per workspace only:
     * the run, its event and its key are the workspace's own, and another workspace's run with the same id is another
     * run, never touched.
     *
     * <p>The batch goes over as one JSON array, one element per task run: {@code {fields, state, event}} (see
     * {@link Recorded}). PostgreSQL puts the document together: Prefect's defaults, then the task_run of the event
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

    /**
     * One task-run event, checked: {@code state} is its state's document as JSON text and {@code fields} the fields
     * of the run's document that the server sets (written out only for the newest state of a run, the one that
     * goes into the run's document); {@code event} is the event's id.
     */
    private record Recorded(UUID taskRunId, Instant occurred, String type, String name, String state, JsonObject fields,
                            UUID event) {
        String asJson() {
            return "{\"fields\":" + fields.toString() + ",\"state\":" + state + ",\"event\":\"" + event + "\"}";
        }
    }

    void record(@Observes IngestedEvents batch) {
        Instant now = batch.received();
        String nowText = now.toString(); // the same for every event of the batch
        List<Recorded> states = new ArrayList<>();
        // the newest state of each task run in the batch; sorted by id so that concurrent batches lock rows in one order
        Map<UUID, Recorded> newest = new TreeMap<>();
        for (RunEvent event : batch.events()) {
            Recorded r = recorded(event, nowText);
            if (r == null) continue;
            states.add(r);
            Recorded before = newest.get(r.taskRunId());
            if (before == null || !r.occurred().isBefore(before.occurred())) newest.put(r.taskRunId(), r);
        }
        if (states.isEmpty()) return;
        // after the upsert every run of the batch is in the workspace (a run it left alone has a newer state, and
        // this one only joins its history), so every state is recorded
        em.unwrap(Session.class).doWork(c -> {
            upsertRuns(c, batch.workspaceId(), newest.values(), now);
            copyStates(c, batch.workspaceId(), states);
        });
    }

    private static Recorded recorded(RunEvent event, String now) {
        String resourceId = event.resource().getString("prefect.resource.id", "");
        if (!event.name().startsWith(PREFIX) || !resourceId.startsWith(PREFIX)) return null;
        UUID taskRunId;
        try {
            taskRunId = UUID.fromString(resourceId.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null; // not a task run we can key
        }
        JsonObject validated = event.payload().get("validated_state") instanceof JsonObject v ? v : null;
        JsonObject taskRun = event.payload().get("task_run") instanceof JsonObject t ? t : null;
        if (validated == null || taskRun == null) return null;
        UUID flowRunId = flowRunOf(event);
        try {
            JsonObject state = RunJson.newState(Body.of(validated), "validated_state", flowRunId, taskRunId,
                    event.occurred(), event.id());
            return new Recorded(taskRunId, event.occurred(), state.getString("type"), state.getString("name"), state.toString(),
                    TaskRunDocument.serverFields(taskRun, taskRunId, flowRunId, state, now), event.id());
        } catch (RuntimeException e) {
            return null; // a state or task run Prefect's schema would not validate either
        }
    }

    private static void upsertRuns(Connection c, UUID workspaceId, Iterable<Recorded> runs, Instant now) throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement(UPSERT_RUNS)) {
            upsert.setObject(1, workspaceId);
            upsert.setTimestamp(2, Timestamp.from(now));
            upsert.setTimestamp(3, Timestamp.from(now));
            upsert.setString(4, TaskRunDocument.DEFAULTS);
            upsert.setString(5, Json.joinArray(runs, Recorded::asJson));
            upsert.setObject(6, workspaceId);
            upsert.executeUpdate();
        }
    }

    private static void copyStates(Connection c, UUID workspaceId, List<Recorded> states) throws SQLException {
        if (states.isEmpty()) return;
        BinaryCopy.copy(c, COPY_STATES, 64 * 1024, row -> {
            for (Recorded r : states) {
                row.start(7).uuid(r.event()).uuid(workspaceId).uuid(r.taskRunId()).text(r.type()).text(r.name())
                        .timestamptz(r.occurred()).jsonb(r.state());
            }
        });
    }

    private static UUID flowRunOf(RunEvent event) {
        for (JsonValue r : event.related()) {
            if (r instanceof JsonObject o && "flow-run".equals(o.getString("prefect.resource.role", null))) {
                String id = o.getString("prefect.resource.id", "");
                try {
                    return UUID.fromString(id.substring("prefect.flow-run.".length()));
                } catch (RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
