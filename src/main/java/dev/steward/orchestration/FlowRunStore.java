package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Every read and write of flow runs and their states, in the caller's transaction, the workspace the first parameter
 * of each method. The run document is the source of truth and is served as the JSON text it is stored as; the
 * columns that filters and sorts use are derived from it by PostgreSQL ({@link RunTable}). Single runs are read and
 * written by plain JDBC; Prefect's filters are JPQL ({@link RunQuery}).
 */
@ApplicationScoped
public class FlowRunStore {
    /** Columns derived from a flow run's document {@code d.doc}, in insert and update alike (tests seed with it). */
    static final RunTable FLOW_RUN = new RunTable("flow_run", "flow_run_state", "flow_run_id", Map.of(
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

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A run's document and the related resources of its state events. */
    public record RunWithRelated(String body, JsonArray related) {}

    /** What deleting a run took with it. */
    public record Deleted(int taskRuns, int logs) {}

    /** A store on this entity manager (tests, and callers outside CDI). */
    static FlowRunStore of(EntityManager em) {
        FlowRunStore store = new FlowRunStore();
        store.em = em;
        return store;
    }

    /**
     * Inserts a new run with its first state; with an idempotency key already used for the flow, nothing is written.
     * @return whether the run was inserted
     */
    public boolean insert(UUID workspace, JsonObject doc, JsonObject state) {
        return jdbc(c -> {
            if (!FLOW_RUN.insert(c, workspace, doc, " on conflict (workspace_id, flow_id, idempotency_key) do nothing")) {
                return false;
            }
            FLOW_RUN.insertState(c, workspace, UUID.fromString(doc.getString("id")), state);
            return true;
        });
    }

    /** The document of the flow's run with this idempotency key. */
    public Optional<String> findByIdempotencyKey(UUID workspace, UUID flowId, String key) {
        return Optional.ofNullable(jdbc(c -> RunTable.firstColumn(c, "select body from flow_run where workspace_id = ? "
                + "and flow_id = ? and idempotency_key = ?", workspace, flowId, key)));
    }

    /** The name of a run's flow, if the workspace has that flow. */
    public Optional<String> flowName(UUID workspace, UUID flowId) {
        return Optional.ofNullable(jdbc(c -> RunTable.firstColumn(c,
                "select name from flow where workspace_id = ? and id = ?", workspace, flowId)));
    }

    /** The run's document. */
    public Optional<String> find(UUID workspace, UUID id) {
        return Optional.ofNullable(jdbc(c -> FLOW_RUN.document(c, workspace, id, "")));
    }

    public boolean exists(UUID workspace, UUID id) {
        return jdbc(c -> RunTable.firstColumn(c, "select 1 from flow_run where workspace_id = ? and id = ?",
                workspace, id)) != null;
    }

    /** Locks the run's row until the transaction ends and reads it with its related resources. */
    public Optional<RunWithRelated> lock(UUID workspace, UUID id) {
        return withRelated(workspace, id, " for update of r");
    }

    /** The run (just written in this transaction, say) with its related resources. */
    public Optional<RunWithRelated> withRelated(UUID workspace, UUID id) {
        return withRelated(workspace, id, "");
    }

    /** The run's flow run count and state, as the task-run rules read them. */
    public TaskRunRules.FlowRunView ruleView(UUID workspace, UUID id) {
        return jdbc(c -> {
            try (PreparedStatement read = c.prepareStatement("""
                    select (body ->> 'run_count')::int, body -> 'state' from flow_run where workspace_id = ? and id = ?""")) {
                read.setObject(1, workspace);
                read.setObject(2, id);
                try (ResultSet rs = read.executeQuery()) {
                    if (!rs.next()) return null;
                    String state = rs.getString(2);
                    return new TaskRunRules.FlowRunView(id, rs.getInt(1),
                            state == null || state.equals("null") ? null : Json.parseObject(state));
                }
            }
        });
    }

    /** Replaces the run's document and the columns derived from it. */
    public void update(UUID workspace, JsonObject doc) {
        jdbc(c -> {
            FLOW_RUN.update(c, workspace, doc);
            return null;
        });
    }

    /** Replaces the run's document, whose new state joins the run's history. */
    public void update(UUID workspace, JsonObject doc, JsonObject newState) {
        jdbc(c -> {
            FLOW_RUN.update(c, workspace, doc);
            FLOW_RUN.insertState(c, workspace, UUID.fromString(doc.getString("id")), newState);
            return null;
        });
    }

    /** The run's states, oldest first, as documents. */
    public List<String> states(UUID workspace, UUID id) {
        return jdbc(c -> FLOW_RUN.states(c, workspace, id));
    }

    /** {@code /flow_runs/filter}: the page the body asks for, in its sort, each run as its document. */
    public JsonArray filter(UUID workspace, Body body) {
        String order = RunQuery.order(body.optionalString("sort").orElse("ID_DESC"));
        return RunQuery.flowRuns(workspace, body).pageAsJson(em, FlowRun.class, order, body, FlowRun::getBody);
    }

    /** {@code /flow_runs/count}. */
    public long count(UUID workspace, Body body) {
        return RunQuery.flowRuns(workspace, body).count(em);
    }

    /** {@code /flow_runs/history}. */
    public JsonArray history(UUID workspace, Body body) {
        return RunHistory.flowRuns(em, workspace, body);
    }

    /**
     * The run with its states, its task runs with theirs, and its logs (Prefect cascades the first three and removes
     * the logs in a background job afterwards). Subflow runs stay, without their parent task run (Prefect's ON DELETE
     * SET NULL).
     */
    public Deleted delete(UUID workspace, UUID id) {
        String tasksOfRun = "select id from task_run where workspace_id = ?1 and flow_run_id = ?2";
        em.createNativeQuery("update flow_run set body = jsonb_set(body, '{parent_task_run_id}', 'null'::jsonb) "
                        + "where workspace_id = ?1 and body->>'parent_task_run_id' in (select cast(id as text) from ("
                        + tasksOfRun + ") t)")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        em.createNativeQuery("delete from task_run_state where workspace_id = ?1 and task_run_id in (" + tasksOfRun + ")")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        int taskRuns = em.createNativeQuery("delete from task_run where workspace_id = ?1 and flow_run_id = ?2")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        int logs = em.createNativeQuery("delete from log_entry where workspace_id = ?1 and flow_run_id = ?2")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        em.createNativeQuery("delete from flow_run_state where workspace_id = ?1 and flow_run_id = ?2")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        em.createNativeQuery("delete from flow_run where workspace_id = ?1 and id = ?2")
                .setParameter(1, workspace).setParameter(2, id).executeUpdate();
        return new Deleted(taskRuns, logs);
    }

    /** A run and what Prefect relates its state events to (see {@link #related}); the query's start. */
    private static final String WITH_RELATED = """
            select r.body, f.id, f.name, f.tags, q.id, q.name, p.id, p.name, p.type, t.id, t.name, t.body->'tags',
                   d.id, d.name, d.tags, r.state_type, r.expected_start_time, r.start_time, r.end_time
            from flow_run r
            left join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id
            left join deployment d on d.id = r.deployment_id and d.workspace_id = r.workspace_id
            left join work_queue q on q.id = r.work_queue_id and q.workspace_id = r.workspace_id
            left join work_pool p on p.id = q.work_pool_id
            left join task_run t on t.id = (r.body->>'parent_task_run_id')::uuid and t.workspace_id = r.workspace_id
            """;

    /** A run as a metric sees it: named as its state events name it, and its state type and times. */
    public record Measured(UUID id, JsonObject resource, JsonArray related, String stateType, Instant expectedStart,
                           Instant start, Instant end) {}

    /**
     * What a metric's selection requires that SQL can test: a run related to one of these flows, deployments, work
     * queues or work pools (as its state events name them), or to none when all are empty.
     */
    public record RelatedTo(List<UUID> flows, List<UUID> deployments, List<UUID> workQueues, List<UUID> workPools) {}

    /**
     * The runs a metric over {@code [since, now]} looks at, related as each of {@code required} says: those that
     * started or ended in it, and those expected to start in it that have not (late), a page of at most {@code limit},
     * newest expected start first (then by id, the order of the index {@code flow_run_page}), after the run
     * {@code after} (the previous page's last; null for the first page). Only runs expected to start at most a day
     * before {@code since} are read (the index bounds the scan), so a run that lasts longer than a day is not measured.
     * On the caller's connection: the automations' evaluator reads it in its transaction.
     */
    public static List<Measured> measured(Connection c, UUID workspace, Instant since, Instant now,
                                          List<RelatedTo> required, Measured after, int limit) throws SQLException {
        String related = "and (r.flow_id = any(?) or r.deployment_id = any(?) or r.work_queue_id = any(?) "
                + "or q.work_pool_id = any(?)) ";
        // the run's id, name and tags in place of its whole document: all that a metric's selection reads of it
        try (PreparedStatement select = c.prepareStatement(WITH_RELATED.replaceFirst("select r.body,",
                "select jsonb_build_object('id', r.id, 'name', r.name, 'tags', r.tags),") + """
                where r.workspace_id = ? and r.expected_start_time >= ? and r.expected_start_time <= ?
                  and (r.end_time >= ? or r.start_time >= ? or (r.start_time is null and r.expected_start_time >= ?))
                """ + related.repeat(required.size())
                + (after == null ? "" : "and (r.expected_start_time < ? or (r.expected_start_time = ? and r.id > ?)) ")
                + "order by r.expected_start_time desc, r.id limit ?")) {
            Timestamp from = Timestamp.from(since);
            int i = 1;
            select.setObject(i++, workspace);
            select.setTimestamp(i++, Timestamp.from(since.minus(Duration.ofDays(1))));
            select.setTimestamp(i++, Timestamp.from(now));
            select.setTimestamp(i++, from);
            select.setTimestamp(i++, from);
            select.setTimestamp(i++, from);
            for (RelatedTo to : required) {
                for (List<UUID> ids : List.of(to.flows(), to.deployments(), to.workQueues(), to.workPools())) {
                    select.setArray(i++, c.createArrayOf("uuid", ids.toArray()));
                }
            }
            if (after != null) {
                select.setTimestamp(i++, Timestamp.from(after.expectedStart()));
                select.setTimestamp(i++, Timestamp.from(after.expectedStart()));
                select.setObject(i++, after.id());
            }
            select.setInt(i, limit);
            List<Measured> out = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    JsonObject run = Json.parseObject(rs.getString(1));
                    JsonObject resource = Json.createObjectBuilder()
                            .add("prefect.resource.id", "prefect.flow-run." + run.getString("id"))
                            .add("prefect.resource.name", run.getString("name", ""))
                            .build();
                    out.add(new Measured(UUID.fromString(run.getString("id")), resource, related(rs),
                            rs.getString(16), instant(rs, 17), instant(rs, 18), instant(rs, 19)));
                }
            }
            return out;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /**
     * The run and, in the same statement, what Prefect relates its state events to: flow, deployment, work queue and
     * pool, the parent task run, and the tags of the run, flow, deployment and parent.
     */
    private Optional<RunWithRelated> withRelated(UUID workspace, UUID id, String lock) {
        return Optional.ofNullable(jdbc(c -> {
            try (PreparedStatement select = c.prepareStatement(WITH_RELATED + "where r.workspace_id = ? and r.id = ?"
                    + lock)) {
                select.setObject(1, workspace);
                select.setObject(2, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? new RunWithRelated(rs.getString(1), related(rs)) : null;
                }
            }
        }));
    }

    /**
     * The SCHEDULED runs of these deployments due by {@code until}, soonest first, as their documents
     * ({@code /deployments/get_scheduled_flow_runs}).
     */
    @SuppressWarnings("unchecked")
    public List<String> scheduledOfDeployments(UUID workspace, List<UUID> deploymentIds, Instant until, int limit) {
        return em.createNativeQuery("select cast(body as text) from flow_run where workspace_id = ?1 "
                        + "and deployment_id in (?2) and state_type = 'SCHEDULED' "
                        + "and coalesce(next_scheduled_start_time, expected_start_time) <= cast(?3 as timestamptz) "
                        + "order by next_scheduled_start_time asc nulls last, id limit ?4")
                .setParameter(1, workspace).setParameter(2, deploymentIds)
                .setParameter(3, until.toString()).setParameter(4, limit).getResultList();
    }

    /**
     * Deletes a deployment's runs still SCHEDULED that never ran (not those waiting for a concurrency slot): all, or
     * only the auto-scheduled ones, or only those of them still in the future (Prefect's _delete_scheduled_runs); the
     * ids of the runs deleted.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> deleteScheduledOfDeployment(UUID workspace, UUID deploymentId, boolean autoScheduledOnly,
                                                  boolean futureOnly) {
        Where where = new Where();
        where.and("workspace_id = " + where.param(workspace))
                .and("deployment_id = " + where.param(deploymentId))
                .and("state_type = 'SCHEDULED'")
                .and("state_name <> 'AwaitingConcurrencySlot'")
                .and("coalesce((body->>'run_count')::int, 0) = 0");
        if (autoScheduledOnly) where.and("coalesce((body->>'auto_scheduled')::boolean, false)");
        if (futureOnly) where.and("next_scheduled_start_time > now()");
        return where.bind(em.createNativeQuery("delete from flow_run" + where.clause() + " returning id", UUID.class))
                .getResultList();
    }

    /** A run CANCELLING since before a time, in any workspace: the CANCELLING timeout's work. */
    public record Cancelling(UUID workspace, UUID id, String stateId) {}

    /** Up to {@code limit} runs, of every workspace, in a CANCELLING state entered before {@code enteredBefore}. */
    @SuppressWarnings("unchecked")
    public List<Cancelling> cancellingSince(Instant enteredBefore, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select workspace_id, id, body->'state'->>'id' from flow_run
                where state_type = 'CANCELLING' and cast(body->'state'->>'timestamp' as timestamptz) <= ?1
                limit ?2""").setParameter(1, enteredBefore).setParameter(2, limit).getResultList();
        return rows.stream().map(r -> new Cancelling((UUID) r[0], (UUID) r[1], (String) r[2])).toList();
    }

    /** A locked run with what tearing down its infrastructure needs: its state, pid, queue and the queue's pool. */
    public record Placed(String stateId, String infrastructurePid, UUID queueId, UUID poolId, String poolType) {}

    /** Locks a run (FOR UPDATE) and reads where it runs; empty when it is gone. */
    @SuppressWarnings("unchecked")
    public Optional<Placed> lockPlaced(UUID workspace, UUID id) {
        List<Object[]> rows = em.createNativeQuery("""
                select r.body->'state'->>'id', r.body->>'infrastructure_pid', r.work_queue_id, q.work_pool_id, p.type
                from flow_run r left join work_queue q on q.id = r.work_queue_id
                left join work_pool p on p.id = q.work_pool_id
                where r.id = ?1 and r.workspace_id = ?2
                for update of r""").setParameter(1, id).setParameter(2, workspace).getResultList();
        return rows.stream().findFirst().map(r -> new Placed((String) r[0], (String) r[1], (UUID) r[2], (UUID) r[3],
                (String) r[4]));
    }

    /**
     * Prefect's related resources of a flow-run event, in its order: flow, deployment, work queue, work pool (with its
     * type), parent task run, then one {@code prefect.tag.<tag>} per tag of the run, flow, deployment and parent,
     * sorted. (Prefect adds the run's creator when a deployment or automation made it; Steward keeps no creator.)
     */
    private static JsonArray related(ResultSet rs) throws SQLException {
        JsonArrayBuilder out = Json.createArrayBuilder();
        SortedSet<String> tags = new TreeSet<>();
        JsonObject run = Json.parseObject(rs.getString(1));
        if (run.get("tags") instanceof JsonArray t) t.getValuesAs(JsonString.class).forEach(v -> tags.add(v.getString()));
        if (rs.getString(2) != null) {
            out.add(resource("flow", rs.getString(2), "flow", rs.getString(3)));
            Array flowTags = rs.getArray(4);
            if (flowTags != null) tags.addAll(List.of((String[]) flowTags.getArray()));
        }
        if (rs.getString(13) != null) {
            out.add(resource("deployment", rs.getString(13), "deployment", rs.getString(14)));
            tags.addAll(List.of((String[]) rs.getArray(15).getArray()));
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

    private <T> T jdbc(RunTable.Work<T> work) {
        return RunTable.jdbc(em, work);
    }
}
