package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Prefect 3.9's filters of flows, flow runs and task runs (server/schemas/filters.py), combined as its endpoints
 * combine them (models/flows.py, flow_runs.py, task_runs.py), as one JPQL predicate whose values are parameters of a
 * {@link Where} (the one filter builder: bind it, or add the predicate to it, to query). Prefect's semantics are kept
 * where they surprise:
 * <ul>
 * <li>a part that is present takes part, even empty ({@code {}}); one that is absent or null does not. An empty part
 * is TRUE, so under {@code "operator": "or_"} it makes its whole filter TRUE, except the type and name parts of a
 * state filter, which Prefect leaves out when empty;</li>
 * <li>{@code any_: []} matches nothing; an empty {@code not_any_}, {@code all_} or {@code like_} is no condition;</li>
 * <li>a filter on other objects is an EXISTS: {@code "flow_runs": {}} keeps the flows that have runs, and on the
 * task-run endpoints the task runs that belong to a flow run;</li>
 * <li>a deployment filter is an EXISTS on the deployments of the flow (flows), of the run (flow runs) or of the task
 * run's flow run (task runs); {@code /deployments/filter} combines the others as EXISTS on the deployment's flow,
 * runs and work queue ({@link #deployments(Body)});</li>
 * <li>runs are filtered by their work queue and its pool, flows by the pools of their deployments' queues. The
 * deployment id and work queue name a run carries are filtered from the run, as in Prefect.</li>
 * </ul>
 * Whatever the filter, Hibernate restricts every entity in it, subqueries included, to the request's workspace.
 */
public final class RunFilters {
    static final List<String> STATE_TYPES = List.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED",
            "CANCELLED", "CRASHED", "PAUSED", "CANCELLING");

    private final Where where;

    /** Filters whose parameters go to a Where of their own ({@link #params}). */
    public RunFilters() {
        this(new Where());
    }

    /** Filters whose parameters go to {@code where}, for a query that binds it. */
    public RunFilters(Where where) {
        this.where = where;
    }

    /** The named parameters of the predicates built so far. */
    public Map<String, Object> params() {
        return where.params();
    }

    /**
     * What {@code /flow_runs/filter} and {@code /count} ({@code workQueues} = "work_pool_queues") and
     * {@code /flow_runs/history} ("work_queues") select, over {@code FlowRun r}.
     */
    String flowRuns(Body body, String workQueues) {
        List<String> parts = new ArrayList<>();
        present(body, "flow_runs").ifPresent(f -> parts.add(flowRun(f, "r")));
        present(body, "deployments").ifPresent(f -> parts.add(deploymentExists(f, "d.id = r.deploymentId")));
        present(body, "work_pools").ifPresent(f -> parts.add(exists("WorkQueue pq, WorkPool wp",
                "pq.id = r.workQueueId and wp.id = pq.workPoolId", workPool(f, "wp"))));
        present(body, workQueues).ifPresent(f -> parts.add(exists("WorkQueue wq", "wq.id = r.workQueueId", workQueue(f, "wq"))));
        present(body, "flows").ifPresent(f -> parts.add(exists("Flow f", "f.id = r.flowId", flow(f, "f"))));
        present(body, "task_runs").ifPresent(f -> parts.add(exists("TaskRun t", "t.flowRunId = r.id", taskRun(f, "t"))));
        return and(parts);
    }

    /** What {@code /task_runs/filter}, {@code /count} and {@code /history} select, over {@code TaskRun r}. */
    String taskRuns(Body body) {
        List<String> parts = new ArrayList<>();
        present(body, "task_runs").ifPresent(f -> parts.add(taskRun(f, "r")));
        Optional<Body> runs = present(body, "flow_runs");
        Optional<Body> flows = present(body, "flows");
        Optional<Body> deployments = present(body, "deployments");
        Optional<List<UUID>> onlyIds = runs.filter(r -> flows.isEmpty() && deployments.isEmpty()).flatMap(RunFilters::onlyIds);
        if (onlyIds.isPresent()) {
            // Prefect's shortcut for the client's most frequent filter: no EXISTS, the task runs' own column
            new RunFilters().flowRun(runs.get(), "fr");
            parts.add(in("r.flowRunId", onlyIds.get()));
        } else {
            runOf(runs, flows, deployments, "r.flowRunId").ifPresent(parts::add);
        }
        return and(parts);
    }

    /**
     * What the artifact endpoints select beside the artifact filter, over an artifact or collection {@code a} (Prefect's
     * _apply_artifact_filters): flow_runs, flows and deployments as one EXISTS on its flow run, task_runs as one on
     * its task run.
     */
    public String ofArtifacts(Body body, String a) {
        List<String> parts = new ArrayList<>();
        runOf(present(body, "flow_runs"), present(body, "flows"), present(body, "deployments"), a + ".flowRunId")
                .ifPresent(parts::add);
        present(body, "task_runs").ifPresent(f -> parts.add(exists("TaskRun t", "t.id = " + a + ".taskRunId", taskRun(f, "t"))));
        return and(parts);
    }

    /** An EXISTS on the flow run {@code flowRunId} names, meeting the run, flow and deployment filters present. */
    private Optional<String> runOf(Optional<Body> runs, Optional<Body> flows, Optional<Body> deployments,
                                   String flowRunId) {
        if (runs.isEmpty() && flows.isEmpty() && deployments.isEmpty()) return Optional.empty();
        List<String> inner = new ArrayList<>();
        runs.ifPresent(f -> inner.add(flowRun(f, "fr")));
        flows.ifPresent(f -> inner.add(exists("Flow f", "f.id = fr.flowId", flow(f, "f"))));
        deployments.ifPresent(f -> inner.add(deploymentExists(f, "d.id = fr.deploymentId")));
        return Optional.of(exists("FlowRun fr", "fr.id = " + flowRunId, and(inner)));
    }

    /** What {@code /flows/filter} and {@code /flows/count} select, over {@code Flow f}. */
    String flows(Body body) {
        List<String> parts = new ArrayList<>();
        present(body, "flows").ifPresent(f -> parts.add(flow(f, "f")));
        present(body, "deployments").ifPresent(f -> parts.add(deploymentExists(f, "d.flowId = f.id")));
        // a flow reaches pools through its deployments' queues, as in Prefect
        present(body, "work_pools").ifPresent(f -> parts.add(exists("Deployment fd, WorkQueue pq, WorkPool wp",
                "fd.flowId = f.id and pq.id = fd.workQueueId and wp.id = pq.workPoolId", workPool(f, "wp"))));
        Optional<Body> runs = present(body, "flow_runs");
        Optional<Body> tasks = present(body, "task_runs");
        if (runs.isPresent() || tasks.isPresent()) {
            List<String> inner = new ArrayList<>();
            runs.ifPresent(f -> inner.add(flowRun(f, "fr")));
            tasks.ifPresent(f -> inner.add(exists("TaskRun t", "t.flowRunId = fr.id", taskRun(f, "t"))));
            parts.add(exists("FlowRun fr", "fr.flowId = f.id", and(inner)));
        }
        return and(parts);
    }

    /**
     * What {@code /deployments/filter} and {@code /count} select, over {@code Deployment d}: Prefect's DeploymentFilter,
     * and EXISTS on the deployment's flow, on its runs (and their task runs), on its work pool and queue.
     */
    public String deployments(Body body) {
        List<String> parts = new ArrayList<>();
        present(body, "deployments").ifPresent(f -> parts.add(deployment(f, "d")));
        present(body, "flows").ifPresent(f -> parts.add(exists("Flow f", "f.id = d.flowId", flow(f, "f"))));
        Optional<Body> runs = present(body, "flow_runs");
        Optional<Body> tasks = present(body, "task_runs");
        if (runs.isPresent() || tasks.isPresent()) {
            List<String> inner = new ArrayList<>();
            runs.ifPresent(f -> inner.add(flowRun(f, "fr")));
            tasks.ifPresent(f -> inner.add(exists("TaskRun t", "t.flowRunId = fr.id", taskRun(f, "t"))));
            parts.add(exists("FlowRun fr", "fr.deploymentId = d.id", and(inner)));
        }
        present(body, "work_pools").ifPresent(f -> parts.add(exists("WorkQueue pq, WorkPool wp",
                "pq.id = d.workQueueId and wp.id = pq.workPoolId", workPool(f, "wp"))));
        present(body, "work_pool_queues").ifPresent(f -> parts.add(exists("WorkQueue wq", "wq.id = d.workQueueId",
                workQueue(f, "wq"))));
        return and(parts);
    }

    /** Prefect's FlowFilter over the flow {@code a}. */
    String flow(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "deployment", "name", "tags"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> parts.add(ids(x, a + ".id", true)));
        present(f, "deployment").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "is_null_"));
            String has = exists("Deployment fd", "fd.flowId = " + a + ".id", Where.TRUE);
            List<String> deployment = x.optionalBoolean("is_null_").map(isNull -> List.of(isNull ? "not " + has : has)).orElse(List.of());
            parts.add(junction(x, deployment));
        });
        present(f, "name").ifPresent(x -> parts.add(names(x, a + ".name")));
        present(f, "tags").ifPresent(x -> parts.add(arrayTags(x, a + ".tags", false)));
        return junction(f, parts);
    }

    /** Prefect's FlowRunFilter over the flow run {@code a}. */
    String flowRun(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "name", "tags", "deployment_id", "work_queue_name", "state",
                "flow_version", "start_time", "end_time", "expected_start_time", "next_scheduled_start_time",
                "parent_flow_run_id", "parent_task_run_id", "idempotency_key", "created_by"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> parts.add(ids(x, a + ".id", true)));
        present(f, "name").ifPresent(x -> parts.add(names(x, a + ".name")));
        present(f, "tags").ifPresent(x -> parts.add(arrayTags(x, a + ".tags", true)));
        present(f, "deployment_id").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "any_", "is_null_"));
            String id = a + ".deploymentId";
            List<String> deployment = new ArrayList<>();
            x.optionalUuids("any_").ifPresent(ids -> deployment.add(in(id, ids)));
            x.optionalBoolean("is_null_").ifPresent(isNull -> deployment.add(id + (isNull ? " is null" : " is not null")));
            parts.add(junction(x, deployment));
        });
        present(f, "work_queue_name").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "any_", "is_null_"));
            String name = text(a, "work_queue_name");
            List<String> queue = new ArrayList<>();
            x.optionalStrings("any_").ifPresent(names -> queue.add(in(name, names)));
            x.optionalBoolean("is_null_").ifPresent(isNull -> queue.add(name + (isNull ? " is null" : " is not null")));
            parts.add(junction(x, queue));
        });
        present(f, "state").ifPresent(x -> parts.add(state(x, a + ".stateType", a + ".stateName", true)));
        present(f, "flow_version").ifPresent(x -> {
            x.rejectUnknown(List.of("any_"));
            List<String> version = new ArrayList<>();
            x.optionalStrings("any_").ifPresent(v -> version.add(in(text(a, "flow_version"), v)));
            parts.add(and(version));
        });
        // a run not started yet counts from its expected start, as in Prefect
        present(f, "start_time").ifPresent(x -> parts.add(times(x,
                "coalesce(" + a + ".startTime, " + a + ".expectedStartTime)", a + ".startTime")));
        present(f, "end_time").ifPresent(x -> parts.add(times(x, a + ".endTime", a + ".endTime")));
        present(f, "expected_start_time").ifPresent(x -> parts.add(times(x, a + ".expectedStartTime", null)));
        present(f, "next_scheduled_start_time").ifPresent(x -> parts.add(times(x, instant(a, "next_scheduled_start_time"), null)));
        present(f, "parent_flow_run_id").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "any_"));
            List<String> parent = new ArrayList<>();
            String sub = a + "p";
            x.optionalUuids("any_").ifPresent(ids -> parent.add(parentTaskRun(a) + " in (select cast(" + sub + ".id as String) "
                    + "from TaskRun " + sub + " where " + in(sub + ".flowRunId", ids) + ")"));
            parts.add(junction(x, parent));
        });
        present(f, "parent_task_run_id").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "any_", "is_null_"));
            List<String> parent = new ArrayList<>();
            x.optionalUuids("any_").ifPresent(ids -> parent.add(in(parentTaskRun(a), canonical(ids))));
            x.optionalBoolean("is_null_").ifPresent(isNull -> parent.add(parentTaskRun(a) + (isNull ? " is null" : " is not null")));
            parts.add(junction(x, parent));
        });
        present(f, "idempotency_key").ifPresent(x -> {
            x.rejectUnknown(List.of("any_", "not_any_"));
            List<String> key = new ArrayList<>();
            x.optionalStrings("any_").ifPresent(keys -> key.add(in(a + ".idempotencyKey", keys)));
            x.optionalStrings("not_any_").filter(keys -> !keys.isEmpty())
                    .ifPresent(keys -> key.add(a + ".idempotencyKey not in " + param(keys)));
            parts.add(and(key));
        });
        present(f, "created_by").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "id_", "type_", "is_null_"));
            List<String> creator = new ArrayList<>();
            x.optionalUuids("id_").ifPresent(ids -> creator.add(in("lower(" + text(a, "created_by", "id") + ")", canonical(ids))));
            x.optionalStrings("type_").ifPresent(types -> creator.add(in(text(a, "created_by", "type"), types)));
            x.optionalBoolean("is_null_").ifPresent(isNull -> creator.add(text(a, "created_by") + (isNull ? " is null" : " is not null")));
            parts.add(junction(x, creator));
        });
        return junction(f, parts);
    }

    /** Prefect's TaskRunFilter over the task run {@code a}. */
    String taskRun(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "name", "tags", "state", "start_time", "end_time",
                "expected_start_time", "subflow_runs", "flow_run_id"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> parts.add(ids(x, a + ".id", false)));
        present(f, "name").ifPresent(x -> parts.add(names(x, a + ".name")));
        present(f, "tags").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "all_", "is_null_"));
            List<String> tags = new ArrayList<>();
            String list = "function('jsonb_extract_path', " + a + ".body, 'tags')";
            x.optionalStrings("all_").filter(all -> !all.isEmpty()).ifPresent(all -> {
                List<String> each = new ArrayList<>();
                for (String tag : all) each.add("function('jsonb_exists', " + list + ", " + param(tag) + ") = true");
                tags.add(and(each));
            });
            x.optionalBoolean("is_null_").ifPresent(isNull ->
                    tags.add("coalesce(" + text(a, "tags") + ", '[]') " + (isNull ? "=" : "<>") + " '[]'"));
            parts.add(junction(x, tags));
        });
        present(f, "state").ifPresent(x -> parts.add(state(x, a + ".stateType", text(a, "state_name"), false)));
        present(f, "start_time").ifPresent(x -> parts.add(times(x, instant(a, "start_time"), instant(a, "start_time"))));
        present(f, "end_time").ifPresent(x -> parts.add(times(x, instant(a, "end_time"), instant(a, "end_time"))));
        present(f, "expected_start_time").ifPresent(x -> parts.add(times(x, instant(a, "expected_start_time"), null)));
        present(f, "subflow_runs").ifPresent(x -> {
            x.rejectUnknown(List.of("exists_"));
            String sub = a + "s";
            String subflow = "exists (select 1 from FlowRun " + sub + " where " + parentTaskRun(sub) + " = cast(" + a + ".id as String))";
            parts.add(x.optionalBoolean("exists_").map(exists -> exists ? subflow : "not " + subflow).orElse(Where.TRUE));
        });
        present(f, "flow_run_id").ifPresent(x -> {
            x.rejectUnknown(List.of("operator", "any_", "is_null_"));
            List<String> run = new ArrayList<>();
            Optional<List<UUID>> any = x.optionalUuids("any_");
            // is_null_ defaults to false, not to null: then a filter without any_ keeps the runs that have a flow run
            Optional<Boolean> isNull = x.isExplicitNull("is_null_") ? Optional.empty()
                    : Optional.of(x.optionalBoolean("is_null_").orElse(false));
            if (isNull.orElse(false)) {
                run.add(a + ".flowRunId is null");
            } else if (isNull.isPresent() && any.isEmpty()) {
                run.add(a + ".flowRunId is not null");
            } else {
                any.ifPresent(ids -> run.add(in(a + ".flowRunId", ids)));
            }
            parts.add(junction(x, run));
        });
        return junction(f, parts);
    }

    /** State type and name; Prefect's 3.9 state filters leave an empty type or name part out, under or_ too. */
    private String state(Body f, String type, String name, boolean notAny) {
        f.rejectUnknown(List.of("operator", "type", "name"));
        List<String> keys = notAny ? List.of("any_", "not_any_") : List.of("any_");
        List<String> parts = new ArrayList<>();
        present(f, "type").ifPresent(x -> {
            x.rejectUnknown(keys);
            List<String> types = new ArrayList<>();
            stateTypes(x, "any_").ifPresent(v -> types.add(in(type, v)));
            if (notAny) stateTypes(x, "not_any_").filter(v -> !v.isEmpty()).ifPresent(v -> types.add(type + " not in " + param(v)));
            parts.add(and(types));
        });
        present(f, "name").ifPresent(x -> {
            x.rejectUnknown(keys);
            List<String> names = new ArrayList<>();
            x.optionalStrings("any_").ifPresent(v -> names.add(in(name, v)));
            if (notAny) x.optionalStrings("not_any_").filter(v -> !v.isEmpty()).ifPresent(v -> names.add(name + " not in " + param(v)));
            parts.add(and(names));
        });
        parts.removeIf(Where.TRUE::equals);
        return junction(f, parts);
    }

    private static Optional<List<String>> stateTypes(Body f, String field) {
        Optional<List<String>> types = f.optionalStrings(field);
        types.ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                if (!STATE_TYPES.contains(list.get(i))) {
                    throw InvalidInput.field(f.location(field) + "." + i, "Input should be 'SCHEDULED', 'PENDING', "
                            + "'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING'");
                }
            }
        });
        return types;
    }

    /** An EXISTS on the deployments that {@code join} ties to the outer row (alias {@code d}) matching the filter. */
    private String deploymentExists(Body f, String join) {
        return exists("Deployment d", join, deployment(f, "d"));
    }

    /** Prefect's DeploymentFilter over the deployment {@code a}; concurrency_limit is deprecated there and matches all. */
    private String deployment(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "name", "flow_or_deployment_name", "paused", "tags",
                "work_queue_name", "concurrency_limit"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> parts.add(ids(x, a + ".id", true)));
        present(f, "name").ifPresent(x -> parts.add(names(x, a + ".name")));
        present(f, "flow_or_deployment_name").ifPresent(x -> {
            x.rejectUnknown(List.of("like_"));
            List<String> either = new ArrayList<>();
            x.optionalString("like_").filter(like -> !like.isEmpty()).ifPresent(like -> {
                String pattern = param("%" + like + "%");
                either.add("(lower(" + a + ".name) like lower(" + pattern + ") or " + exists("Flow " + a + "f",
                        a + "f.id = " + a + ".flowId", "lower(" + a + "f.name) like lower(" + pattern + ")") + ")");
            });
            parts.add(and(either));
        });
        present(f, "paused").ifPresent(x -> {
            x.rejectUnknown(List.of("eq_"));
            parts.add(x.optionalBoolean("eq_").map(paused -> a + ".paused = " + param(paused)).orElse(Where.TRUE));
        });
        present(f, "tags").ifPresent(x -> parts.add(arrayTags(x, a + ".tags", true)));
        present(f, "work_queue_name").ifPresent(x -> {
            x.rejectUnknown(List.of("any_"));
            parts.add(x.optionalStrings("any_").map(names -> in(a + ".workQueueName", names)).orElse(Where.TRUE));
        });
        check(f, "concurrency_limit", x -> {
            x.rejectUnknown(List.of("ge_", "le_", "is_null_"));
            x.integer("ge_", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            x.integer("le_", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            x.optionalBoolean("is_null_");
        });
        return junction(f, parts);
    }

    /** Prefect's WorkPoolFilter (id, name and type, each {any_}) over the pool {@code a}. */
    private String workPool(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "name", "type"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> {
            x.rejectUnknown(List.of("any_"));
            x.optionalUuids("any_").ifPresent(ids -> parts.add(in(a + ".id", ids)));
        });
        for (String field : List.of("name", "type")) {
            present(f, field).ifPresent(x -> {
                x.rejectUnknown(List.of("any_"));
                x.optionalStrings("any_").ifPresent(values -> parts.add(in(a + "." + field, values)));
            });
        }
        return junction(f, parts);
    }

    /** Prefect's WorkQueueFilter (id {any_}, name {any_, startswith_: case-insensitive}) over the queue {@code a}. */
    private String workQueue(Body f, String a) {
        f.rejectUnknown(List.of("operator", "id", "name"));
        List<String> parts = new ArrayList<>();
        present(f, "id").ifPresent(x -> {
            x.rejectUnknown(List.of("any_"));
            x.optionalUuids("any_").ifPresent(ids -> parts.add(in(a + ".id", ids)));
        });
        present(f, "name").ifPresent(x -> {
            x.rejectUnknown(List.of("any_", "startswith_"));
            x.optionalStrings("any_").ifPresent(names -> parts.add(in(a + ".name", names)));
            x.optionalStrings("startswith_").ifPresent(prefixes -> {
                List<String> each = new ArrayList<>();
                for (String prefix : prefixes) each.add("lower(" + a + ".name) like " + param(prefix.toLowerCase(java.util.Locale.ROOT) + "%"));
                parts.add(each.isEmpty() ? Where.FALSE : or(each));
            });
        });
        return junction(f, parts);
    }

    /** Prefect's shortcut applies to a flow-run filter on id.any_ alone (not empty, no not_any_, nothing else). */
    private static Optional<List<UUID>> onlyIds(Body runs) {
        for (String field : runs.json().keySet()) {
            if (!field.equals("id") && !field.equals("operator") && !runs.isExplicitNull(field)) return Optional.empty();
        }
        Optional<Body> id = present(runs, "id");
        if (id.isEmpty() || id.get().optionalStrings("not_any_").map(v -> !v.isEmpty()).orElse(false)) return Optional.empty();
        return id.get().optionalUuids("any_").filter(ids -> !ids.isEmpty());
    }

    /** {any_, not_any_} of ids. */
    private String ids(Body f, String field, boolean notAny) {
        f.rejectUnknown(notAny ? List.of("any_", "not_any_") : List.of("any_"));
        List<String> parts = new ArrayList<>();
        f.optionalUuids("any_").ifPresent(ids -> parts.add(in(field, ids)));
        if (notAny) {
            f.optionalUuids("not_any_").filter(ids -> !ids.isEmpty()).ifPresent(ids -> parts.add(field + " not in " + param(ids)));
        }
        return and(parts);
    }

    /** {any_, like_}: like_ is Prefect's case-insensitive "%like_%", its own % and _ acting as wildcards too. */
    private String names(Body f, String field) {
        f.rejectUnknown(List.of("any_", "like_"));
        List<String> parts = new ArrayList<>();
        f.optionalStrings("any_").ifPresent(names -> parts.add(in(field, names)));
        f.optionalString("like_").filter(like -> !like.isEmpty())
                .ifPresent(like -> parts.add("lower(" + field + ") like lower(" + param("%" + like + "%") + ")"));
        return and(parts);
    }

    /** Tags of a text[] column: all_ (a superset), any_ (an overlap, flow runs only), is_null_ (none). */
    private String arrayTags(Body f, String field, boolean withAny) {
        f.rejectUnknown(withAny ? List.of("operator", "all_", "any_", "is_null_") : List.of("operator", "all_", "is_null_"));
        List<String> parts = new ArrayList<>();
        f.optionalStrings("all_").filter(all -> !all.isEmpty()).ifPresent(all -> parts.add(eachTag(field, all, " and ")));
        if (withAny) f.optionalStrings("any_").ifPresent(any -> parts.add(any.isEmpty() ? Where.FALSE : eachTag(field, any, " or ")));
        f.optionalBoolean("is_null_").ifPresent(isNull -> parts.add("array_length(" + field + ") " + (isNull ? "= 0" : "> 0")));
        return junction(f, parts);
    }

    private String eachTag(String field, List<String> tags, String joiner) {
        List<String> each = new ArrayList<>();
        for (String tag : tags) each.add("array_contains(" + field + ", " + param(tag) + ")");
        return "(" + String.join(joiner, each) + ")";
    }

    /** {before_, after_} (inclusive) of {@code value}, and is_null_ of {@code nullable} when the filter has it. */
    private String times(Body f, String value, String nullable) {
        f.rejectUnknown(nullable == null ? List.of("before_", "after_") : List.of("before_", "after_", "is_null_"));
        List<String> parts = new ArrayList<>();
        f.optionalInstant("before_").ifPresent(t -> parts.add(value + " <= " + param(t)));
        f.optionalInstant("after_").ifPresent(t -> parts.add(value + " >= " + param(t)));
        if (nullable != null) {
            f.optionalBoolean("is_null_").ifPresent(isNull -> parts.add(nullable + (isNull ? " is null" : " is not null")));
        }
        return and(parts);
    }

    private String in(String field, List<?> values) {
        return where.in(field, values);
    }

    private String param(Object value) {
        return where.param(value);
    }

    /** The parts joined by the filter's operator. */
    private static String junction(Body f, List<String> parts) {
        return operator(f) ? or(parts) : and(parts);
    }

    /** Whether the filter's operator is or_ (else and_, the default). */
    private static boolean operator(Body f) {
        String op = f.optionalString("operator").orElse("and_");
        if (!op.equals("and_") && !op.equals("or_")) throw InvalidInput.field(f.location("operator"), "Input should be 'and_' or 'or_'");
        return op.equals("or_");
    }

    /** The parts that are not Where.TRUE, joined by and. */
    private static String and(List<String> parts) {
        return Where.and(parts.stream().filter(p -> !p.equals(Where.TRUE)).toList());
    }

    /**
     * No part is Where.TRUE here (an empty filter under or_ is no condition); a Where.TRUE part makes the whole Where.TRUE and stays in
     * the text, as the other parts' parameters must.
     */
    private static String or(List<String> parts) {
        return parts.isEmpty() ? Where.TRUE : Where.or(parts);
    }

    private static String exists(String from, String join, String condition) {
        return "exists (select 1 from " + from + " where " + join + (condition.equals(Where.TRUE) ? "" : " and " + condition) + ")";
    }

    private static Optional<Body> present(Body body, String field) {
        return body.has(field) && !body.isExplicitNull(field) ? Optional.of(body.object(field)) : Optional.empty();
    }

    private static void check(Body body, String field, Consumer<Body> check) {
        present(body, field).ifPresent(check);
    }

    /** A text field of a run's document, e.g. text("r", "created_by", "id"). */
    private static String text(String a, String... path) {
        return "function('jsonb_extract_path_text', " + a + ".body, '" + String.join("', '", path) + "')";
    }

    private static String instant(String a, String field) {
        return "cast(" + text(a, field) + " as Instant)";
    }

    /** The run's parent_task_run_id, written as the index flow_run_parent_task_run has it. */
    private static String parentTaskRun(String a) {
        return "cast(sql('(? ->> ''parent_task_run_id'')', " + a + ".body) as String)";
    }

    /** UUIDs as a run's document holds them. */
    private static List<String> canonical(List<UUID> ids) {
        return ids.stream().map(UUID::toString).toList();
    }
}
