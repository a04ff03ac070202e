package dev.steward.orchestration;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import dev.steward.platform.Paging;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prefect's run filters as JPQL over {@link FlowRun} or {@link TaskRun} (alias {@code r}). Supported so far:
 * flow_runs {id.any_, name.any_, state.type.any_ / not_any_, state.name.any_ / not_any_, tags.all_,
 * parent_task_run_id.any_ / is_null_};
 * task_runs {id.any_, flow_run_id.any_, state.type.any_}; flows {id.any_, name.any_}. Other parts get a 422.
 */
final class RunQuery {
    private final String entity;
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private int n;

    private RunQuery(String entity) {
        this.entity = entity;
    }

    static RunQuery flowRuns(Body body) {
        RunQuery q = new RunQuery("FlowRun");
        q.unsupported(body, List.of("task_runs", "deployments", "work_pools", "work_pool_queues", "work_queues"));
        Body runs = body.object("flow_runs");
        runs.rejectUnknown(List.of("operator", "id", "name", "state", "tags", "parent_task_run_id"));
        q.any(runs.object("id"), "r.id", true);
        Body parent = runs.object("parent_task_run_id");
        String parentField = "function('jsonb_extract_path_text', r.body, 'parent_task_run_id')";
        parent.optionalStrings("any_").ifPresent(ids -> q.conditions.add(parentField + " in " + q.param(ids)));
        if (parent.json().get("is_null_") == jakarta.json.JsonValue.TRUE) q.conditions.add(parentField + " is null");
        if (parent.json().get("is_null_") == jakarta.json.JsonValue.FALSE) q.conditions.add(parentField + " is not null");
        q.any(runs.object("name"), "r.name", false);
        Body state = runs.object("state");
        state.rejectUnknown(List.of("operator", "type", "name"));
        q.anyAndNot(state.object("type"), "r.stateType");
        q.anyAndNot(state.object("name"), "r.stateName");
        runs.object("tags").optionalStrings("all_").ifPresent(tags -> tags.forEach(t -> q.add("array_contains(r.tags, %s)", t)));
        q.flows(body.object("flows"));
        return q;
    }

    static RunQuery taskRuns(Body body) {
        RunQuery q = new RunQuery("TaskRun");
        q.unsupported(body, List.of("deployments", "work_pools", "work_pool_queues", "work_queues"));
        Body runs = body.object("task_runs");
        runs.rejectUnknown(List.of("operator", "id", "flow_run_id", "state"));
        q.any(runs.object("id"), "r.id", true);
        q.any(runs.object("flow_run_id"), "r.flowRunId", true);
        q.anyAndNot(runs.object("state").object("type"), "r.stateType");
        Body flowRuns = body.object("flow_runs");
        flowRuns.rejectUnknown(List.of("operator", "id"));
        q.any(flowRuns.object("id"), "r.flowRunId", true);
        return q;
    }

    private void flows(Body flows) {
        flows.rejectUnknown(List.of("operator", "id", "name"));
        List<String> sub = new ArrayList<>();
        flows.object("id").optionalStrings("any_").ifPresent(ids -> sub.add("f.id in " + param(Body.uuids(ids, "flows.id.any_"))));
        flows.object("name").optionalStrings("any_").ifPresent(names -> sub.add("f.name in " + param(names)));
        if (!sub.isEmpty()) conditions.add("r.flowId in (select f.id from Flow f where " + String.join(" and ", sub) + ")");
    }

    /** A filter Steward cannot apply yet is a 422; an empty one (e.g. {"operator": "and_"}, as Prefect's UI sends) is none. */
    private void unsupported(Body body, List<String> fields) {
        for (String f : fields) {
            boolean empty = body.object(f).json().entrySet().stream()
                    .allMatch(e -> e.getKey().equals("operator") || e.getValue().getValueType() == jakarta.json.JsonValue.ValueType.NULL);
            if (!empty) throw ApiException.invalid(f, "Filtering by " + f + " is not supported yet");
        }
    }

    private void any(Body filter, String field, boolean isUuid) {
        filter.optionalStrings("any_").ifPresent(values -> conditions.add(field + " in " + param(isUuid ? Body.uuids(values, field) : values)));
    }

    private void anyAndNot(Body filter, String field) {
        filter.optionalStrings("any_").ifPresent(values -> conditions.add(field + " in " + param(values)));
        filter.optionalStrings("not_any_").ifPresent(values -> conditions.add(field + " not in " + param(values)));
    }

    private void add(String template, Object value) {
        conditions.add(String.format(template, param(value)));
    }

    private String param(Object value) {
        String name = "p" + n++;
        params.put(name, value);
        return ":" + name;
    }


    private String where() {
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    <T> List<T> page(EntityManager em, Class<T> type, String orderBy, int offset, int limit) {
        TypedQuery<T> q = em.createQuery("select r from " + entity + " r" + where() + " order by " + orderBy, type);
        params.forEach(q::setParameter);
        return q.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /** The page the body asks for (offset, limit), each run as the JSON document it keeps. */
    <T> JsonArray pageAsJson(EntityManager em, Class<T> type, String orderBy, Body body, Function<T, String> document) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        page(em, type, orderBy, body.integer("offset", 0, 0, Integer.MAX_VALUE), Paging.limit(body))
                .forEach(run -> out.add(dev.steward.platform.Json.parseObject(document.apply(run))));
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
                + (conditions.isEmpty() ? "" : " and " + String.join(" and ", conditions));
        var q = em.createQuery("select t.bucket, t.stateType, t.stateName, count(*), "
                + "sum(case when t.runTime > 0 then t.runTime else 0.0 end), "
                + "sum(case when t.lateness > 0 then t.lateness else 0.0 end) from (" + inner + ") t "
                + "group by t.bucket, t.stateType, t.stateName order by t.bucket, t.stateType, t.stateName", Object[].class);
        params.forEach(q::setParameter);
        return q.setParameter("hstart", start.getEpochSecond() + start.getNano() / 1e9)
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
        TypedQuery<Long> q = em.createQuery("select count(r) from " + entity + " r" + where(), Long.class);
        params.forEach(q::setParameter);
        return q.getSingleResult();
    }

    /** Prefect's TaskRunSort names, in JPQL (a task run's creation stands in for its expected start). */
    static String taskOrder(String sort) {
        return switch (sort) {
            case "ID_DESC" -> "r.id desc";
            case "EXPECTED_START_TIME_ASC" -> "r.created asc, r.id";
            case "EXPECTED_START_TIME_DESC" -> "r.created desc, r.id";
            case "NAME_ASC" -> "r.name asc, r.id";
            case "NAME_DESC" -> "r.name desc, r.id";
            default -> throw ApiException.invalid("sort", "Unknown sort " + sort);
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
            default -> throw ApiException.invalid("sort", "Unknown sort " + sort);
        };
    }
}
