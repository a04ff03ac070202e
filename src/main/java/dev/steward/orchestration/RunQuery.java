package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A query over {@link FlowRun} or {@link TaskRun} (alias {@code r}) restricted by Prefect's filters of the request
 * body ({@link RunFilters}), for the run stores: pages, counts and the run history. JPQL, so Hibernate restricts every
 * entity in it, subqueries included, to the session's workspace (their {@code @TenantId}); the workspace a store is
 * given must be that one.
 */
final class RunQuery {
    private final String entity;
    private final Where where = new Where();

    private RunQuery(UUID workspace, String entity) {
        if (!workspace.equals(TenantScope.workspaceId())) {
            throw new IllegalStateException("a run query for workspace " + workspace + " in another workspace's session");
        }
        this.entity = entity;
    }

    /** {@code /flow_runs/filter} and {@code /count}. */
    static RunQuery flowRuns(UUID workspace, Body body) {
        RunQuery query = new RunQuery(workspace, "FlowRun");
        return query.restrict(new RunFilters(query.where).flowRuns(body, "work_pool_queues"));
    }

    /** {@code /flow_runs/history}, whose work queue filter Prefect names differently. */
    static RunQuery flowRunHistory(UUID workspace, Body body) {
        RunQuery query = new RunQuery(workspace, "FlowRun");
        return query.restrict(new RunFilters(query.where).flowRuns(body, "work_queues"));
    }

    static RunQuery taskRuns(UUID workspace, Body body) {
        RunQuery query = new RunQuery(workspace, "TaskRun");
        return query.restrict(new RunFilters(query.where).taskRuns(body));
    }

    /** The task runs of one flow run. */
    static RunQuery taskRunsOf(UUID workspace, UUID flowRunId) {
        RunQuery query = new RunQuery(workspace, "TaskRun");
        return query.restrict("r.flowRunId = " + query.where.param(flowRunId));
    }

    private RunQuery restrict(String condition) {
        if (!condition.equals(Where.TRUE)) where.and(condition);
        return this;
    }

    <T> List<T> page(EntityManager em, Class<T> type, String orderBy, int offset, int limit) {
        return where.bind(em.createQuery("select r from " + entity + " r" + where.clause() + " order by " + orderBy, type))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /** The page the body asks for (offset, limit), each run as the JSON document it keeps. */
    <T> JsonArray pageAsJson(EntityManager em, Class<T> type, String orderBy, Body body, Function<T, String> document) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        page(em, type, orderBy, body.integer("offset", 0, 0, Integer.MAX_VALUE), Paging.limit(body))
                .forEach(run -> out.add(Json.parseObject(document.apply(run))));
        return out.build();
    }

    /**
     * Prefect's run history, aggregated in the database: runs whose expected start lies in [start, end), put in
     * buckets of {@code intervalSeconds} from {@code start}, counted per bucket, state type and state name, with the
     * sums of their estimated run times (time spent running, plus the time since a running run started running) and
     * their estimated lateness (start after the expected start; for a run not started and not finished, the time
     * since it should have started), both in seconds. Rows: bucket index, state type, state name, count, run time,
     * lateness.
     */
    List<Object[]> history(EntityManager em, Instant start, Instant end, double intervalSeconds, Instant now) {
        boolean flowRuns = entity.equals("FlowRun");
        String expected = flowRuns ? "r.expectedStartTime" : bodyInstant("expected_start_time");
        String started = flowRuns ? "r.startTime" : bodyInstant("start_time");
        String stateName = flowRuns ? "r.stateName" : "function('jsonb_extract_path_text', r.body, 'state_name')";
        String stateSince = flowRuns ? bodyInstant("state", "timestamp") : "r.stateTimestamp";
        String total = "coalesce(cast(function('jsonb_extract_path_text', r.body, 'total_run_time') as Double), 0.0)";
        String runTime = "case when r.stateType = 'RUNNING' then " + total + " + (:hnow - " + epoch(stateSince) + ") else "
                + total + " end";
        String lateness = "case when " + started + " > " + expected + " then " + epoch(started) + " - " + epoch(expected)
                + " when " + started + " is null and r.stateType not in :hterminal and " + expected + " < :hnowTs then :hnow - "
                + epoch(expected) + " else 0.0 end";
        String inner = "select floor((" + epoch(expected) + " - :hstart) / :hinterval) as bucket, r.stateType as stateType, "
                + stateName + " as stateName, " + runTime + " as runTime, " + lateness + " as lateness from " + entity
                + " r where " + expected + " >= :hstartTs and " + expected + " < :hendTs and r.stateType is not null"
                + " and " + where.joined("and");
        var q = em.createQuery("select t.bucket, t.stateType, t.stateName, count(*), "
                + "sum(case when t.runTime > 0 then t.runTime else 0.0 end), "
                + "sum(case when t.lateness > 0 then t.lateness else 0.0 end) from (" + inner + ") t "
                + "group by t.bucket, t.stateType, t.stateName order by t.bucket, t.stateType, t.stateName", Object[].class);
        return where.bind(q).setParameter("hstart", start.getEpochSecond() + start.getNano() / 1e9)
                .setParameter("hinterval", intervalSeconds)
                .setParameter("hnow", now.getEpochSecond() + now.getNano() / 1e9)
                .setParameter("hnowTs", now)
                .setParameter("hstartTs", start)
                .setParameter("hendTs", end)
                .setParameter("hterminal", RunJson.TERMINAL)
                .getResultList();
    }

    /** A date-time inside the run's document, e.g. bodyInstant("state", "timestamp"). */
    private static String bodyInstant(String... path) {
        return "cast(function('jsonb_extract_path_text', r.body, '" + String.join("', '", path) + "') as Instant)";
    }

    private static String epoch(String instant) {
        return "cast(function('date_part', 'epoch', " + instant + ") as Double)";
    }

    long count(EntityManager em) {
        return where.bind(em.createQuery("select count(r) from " + entity + " r" + where.clause(), Long.class))
                .getSingleResult();
    }

    /** Prefect's TaskRunSort names, in JPQL (a task run's creation stands in for its expected start). */
    static String taskOrder(String sort) {
        return switch (sort) {
            case "ID_DESC" -> "r.id desc";
            case "EXPECTED_START_TIME_ASC" -> "r.created asc, r.id";
            case "EXPECTED_START_TIME_DESC" -> "r.created desc, r.id";
            case "NAME_ASC" -> "r.name asc, r.id";
            case "NAME_DESC" -> "r.name desc, r.id";
            default -> throw InvalidInput.field("sort", "Unknown sort " + sort);
        };
    }

    /** Prefect's FlowRunSort names, in JPQL. */
    static String order(String sort) {
        return switch (sort) {
            case "ID_DESC" -> "r.id desc";
            case "START_TIME_ASC" -> "r.startTime asc nulls last, r.id";
            case "START_TIME_DESC" -> "r.startTime desc nulls last, r.id";
            case "EXPECTED_START_TIME_ASC" -> "r.expectedStartTime asc, r.id";
            case "EXPECTED_START_TIME_DESC" -> "r.expectedStartTime desc, r.id";
            case "END_TIME_DESC" -> "r.endTime desc nulls last, r.id";
            case "NAME_ASC" -> "r.name asc, r.id";
            case "NAME_DESC" -> "r.name desc, r.id";
            default -> throw InvalidInput.field("sort", "Unknown sort " + sort);
        };
    }
}
