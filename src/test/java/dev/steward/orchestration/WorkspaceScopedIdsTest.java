package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.events.EventIntake;
import dev.steward.events.IngestedEvents;
import dev.steward.events.RunEvent;
import dev.steward.events.StoredEvent;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.testing.RealPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids a client chooses (events', task runs', and so recorded states') are unique per workspace only: on real
 * PostgreSQL, the same ids in two workspaces are two of each, each workspace sees only its own, and within one
 * workspace an id already stored is still skipped, by COPY and by the INSERT fallback alike.
 */
class WorkspaceScopedIdsTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SessionFactory sf = RealPostgres.sessionFactory();

    /** A task-run event as Prefect's client sends it; the task's name tells the workspaces' runs apart. */
    static String taskRunEvent(UUID id, UUID taskRun, String type, Instant occurred, String taskName) {
        String name = type.charAt(0) + type.substring(1).toLowerCase();
        return "{\"id\":\"" + id + "\",\"occurred\":\"" + occurred + "\",\"event\":\"prefect.task-run." + name + "\","
                + "\"resource\":{\"prefect.resource.id\":\"prefect.task-run." + taskRun + "\"},\"related\":[],"
                + "\"payload\":{\"validated_state\":{\"type\":\"" + type + "\",\"name\":\"" + name + "\",\"state_details\":{}},"
                + "\"task_run\":{\"name\":\"" + taskName + "\",\"task_key\":\"t\",\"dynamic_key\":\"0\"}},\"follows\":null}";
    }

    /** Stores the frames in the workspace as the intake does, with the recorder in the same transaction; how many were new. */
    int ingest(UUID ws, boolean byCopy, String... frames) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            List<RunEvent> events = Arrays.stream(frames).map(f -> EventIntake.parse(ws, f)).toList();
            Instant received = Instant.now();
            List<RunEvent> fresh = s.doReturningWork(c -> EventIntake.write(c, ws, events, byCopy, received));
            TaskRunRecorder recorder = new TaskRunRecorder();
            recorder.taskRuns = TaskRunStore.of(s);
            if (!fresh.isEmpty()) recorder.record(new IngestedEvents(ws, fresh, received));
            return fresh.size();
        }));
    }

    @Test
    void theSameEventAndTaskRunIdsInTwoWorkspacesAreTwoOfEach() throws Exception {
        UUID a = UUID.randomUUID(), b = UUID.randomUUID();
        UUID taskRun = UUID.randomUUID(), running = UUID.randomUUID(), ended = UUID.randomUUID();

        assertEquals(1, ingest(a, true, taskRunEvent(running, taskRun, "RUNNING", T0, "in-a")));
        assertEquals(1, ingest(b, true, taskRunEvent(running, taskRun, "RUNNING", T0, "in-b")),
                "an event id stored in another workspace is new here (by COPY)");
        assertEquals(0, ingest(a, true, taskRunEvent(running, taskRun, "RUNNING", T0, "in-a")), "sent again: skipped");
        assertEquals(0, ingest(a, false, taskRunEvent(running, taskRun, "RUNNING", T0, "in-a")),
                "sent again: skipped by the INSERT fallback too");
        assertEquals(1, ingest(a, false, taskRunEvent(ended, taskRun, "COMPLETED", T0.plusSeconds(1), "in-a")));
        assertEquals(1, ingest(b, false, taskRunEvent(ended, taskRun, "FAILED", T0.plusSeconds(1), "in-b"),
                        taskRunEvent(ended, taskRun, "FAILED", T0.plusSeconds(1), "in-b")),
                "an event id stored in another workspace is new here (by INSERT), once however often in a batch");
        assertEquals(0, ingest(b, true, taskRunEvent(ended, taskRun, "FAILED", T0.plusSeconds(1), "in-b")));

        try (Connection c = RealPostgres.dataSource().getConnection()) {
            assertEquals(2, count(c, "select count(*) from event where id = ?", running));
            assertEquals(2, count(c, "select count(*) from event where id = ?", ended));
            assertEquals(2, count(c, "select count(*) from task_run where id = ?", taskRun));
            assertEquals(4, count(c, "select count(*) from task_run_state where task_run_id = ?", taskRun));
        }
        seesOnlyItsOwn(a, taskRun, running, ended, "in-a", List.of("RUNNING", "COMPLETED"));
        seesOnlyItsOwn(b, taskRun, running, ended, "in-b", List.of("RUNNING", "FAILED"));
    }

    private void seesOnlyItsOwn(UUID ws, UUID taskRun, UUID running, UUID ended, String taskName, List<String> states) {
        TenantScope.system(ws).run(() -> sf.inTransaction(s -> {
            List<StoredEvent> events = s.createQuery("select e from StoredEvent e where e.id in (:ids) order by e.occurred",
                    StoredEvent.class).setParameter("ids", List.of(running, ended)).getResultList();
            assertEquals(2, events.size(), ws + ": its own two events");
            events.forEach(e -> assertEquals(ws, e.getWorkspaceId()));
            assertTrue(events.get(0).getPayload().contains(taskName), ws + ": its own payload");
            List<TaskRun> runs = s.createQuery("select t from TaskRun t where t.id = :id", TaskRun.class)
                    .setParameter("id", taskRun).getResultList();
            assertEquals(1, runs.size(), ws + ": one task run");
            var body = Json.parseObject(runs.get(0).getBody());
            assertEquals(taskName, body.getString("name"));
            assertEquals(states.get(1), body.getString("state_type"), ws + ": the newest of its own states");
            List<String> history = s.createQuery("select s from TaskRunState s where s.taskRunId = :id order by s.timestamp",
                    TaskRunState.class).setParameter("id", taskRun).getResultList().stream()
                    .map(st -> Json.parseObject(st.getBody()).getString("type")).toList();
            assertEquals(states, history, ws + ": its own history");
        }));
    }

    @Test
    void aTaskRunIdTheClientChoseInAnotherWorkspaceIsNoConflict() {
        UUID a = UUID.randomUUID(), b = UUID.randomUUID(), id = UUID.randomUUID();
        String create = "{\"id\":\"" + id + "\",\"task_key\":\"k\",\"dynamic_key\":\"0\"}";
        assertTrue(create(a, create).created());
        assertTrue(create(b, create).created(), "POST /task_runs/ with an id taken in another workspace creates it");
        assertEquals(id.toString(), Json.parseObject(create(b, create).run()).getString("id"), "the same keys: the same run");
        RuntimeException taken = assertThrows(RuntimeException.class,
                () -> create(a, "{\"id\":\"" + id + "\",\"task_key\":\"other\",\"dynamic_key\":\"0\"}"));
        assertTrue(isUniqueViolation(taken), "within a workspace an id is still taken once (409 over HTTP)");
    }

    private TaskRunService.Created create(UUID ws, String body) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            TaskRunService service = new TaskRunService();
            service.taskRuns = TaskRunStore.of(s);
            service.flowRuns = FlowRunStore.of(s);
            return service.create(Body.parse(body));
        }));
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) return true;
        }
        return false;
    }

    private static long count(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setObject(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
