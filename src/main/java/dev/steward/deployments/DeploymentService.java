package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.concurrency.ConcurrencyLimit;
import dev.steward.concurrency.ConcurrencyLimitService;
import dev.steward.orchestration.Flow;
import dev.steward.orchestration.FlowRunService;
import dev.steward.orchestration.RunFilters;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.ParameterSchema;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Problem.Rejected;
import dev.steward.workers.WorkPool;
import dev.steward.workers.WorkPools;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployments of the current workspace, as Prefect 3.9's server keeps them (server/models/deployments.py): an upsert
 * by flow and name, reads, filters, partial updates, deletion, pause and resume, schedules, runs made from a
 * deployment and the runs its schedules make ({@link #scheduleRuns}). Each change fires a {@link LifecycleChange}
 * ({@code prefect.deployment.created|updated|deleted}) in its transaction; an update's payload is Prefect's
 * {@code {updated_fields, updates: {field: {from, to}}}} over Prefect's tracked fields.
 */
@ApplicationScoped
public class DeploymentService {
    /** The fields of DeploymentCreate, and the old ones Prefect drops silently (remove_old_deployment_fields). */
    private static final List<String> CREATE_FIELDS = List.of("name", "flow_id", "paused", "schedules",
            "concurrency_limit", "concurrency_options", "global_concurrency_limit_id", "enforce_parameter_schema",
            "parameter_openapi_schema", "parameters", "tags", "labels", "pull_steps", "work_queue_name",
            "work_pool_name", "storage_document_id", "infrastructure_document_id", "description", "path", "version",
            "entrypoint", "job_variables", "version_info", "worker_pool_queue_id", "worker_pool_name",
            "worker_pool_queue_name", "work_pool_queue_name");
    private static final List<String> UPDATE_FIELDS = List.of("version", "description", "paused", "schedules",
            "concurrency_limit", "concurrency_options", "global_concurrency_limit_id", "parameters",
            "parameter_openapi_schema", "tags", "work_queue_name", "work_pool_name", "path", "job_variables",
            "pull_steps", "entrypoint", "storage_document_id", "infrastructure_document_id",
            "enforce_parameter_schema", "version_info", "worker_pool_queue_id", "worker_pool_name",
            "worker_pool_queue_name", "work_pool_queue_name");
    /** Prefect's DEPLOYMENT_EVENT_FIELDS, by their names in the document (job_variables is its infra_overrides). */
    private static final Map<String, String> EVENT_FIELDS = eventFields();
    private static final JsonObject EMPTY_SCHEMA = Json.parseObject("{\"type\":\"object\",\"properties\":{}}");
    static final String LIMIT_PREFIX = "deployment:";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    FlowRunService runs;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    DeploymentSettings settings;

    @Inject
    WorkQueues queues;

    @Inject
    WorkPools pools;

    /** The deployment as Prefect answers it, and whether the upsert made it (201) or updated it (200). */
    public record Upserted(JsonObject deployment, boolean created) {}

    private static Map<String, String> eventFields() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("description", "tags", "parameters", "parameter_openapi_schema", "enforce_parameter_schema",
                "entrypoint", "path", "pull_steps", "work_queue_id", "paused", "labels", "version",
                "concurrency_limit_id", "concurrency_options")) {
            m.put(f, f);
        }
        m.put("job_variables", "infra_overrides");
        return m;
    }

    /** {@code POST /deployments/}: Prefect's upsert by flow and name; a known deployment keeps its id and creation. */
    @Transactional
    public Upserted upsert(Body body) {
        body.rejectUnknown(CREATE_FIELDS);
        String name = body.requiredString("name");
        UUID flowId = body.requiredUuid("flow_id");
        Flow flow = Optional.ofNullable(em.find(Flow.class, flowId)).orElseThrow(() -> new NotFound("Flow not found"));
        checkLimits(body);
        // two deploys of one flow and name at once (two CI jobs) update one deployment instead of one of them
        // failing on the unique key: the second waits here until the first commits, then finds its row
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "deployment:" + flowId + ":" + name).getSingleResult();
        Instant now = Instant.now();
        Optional<Deployment> existing = em.createQuery(
                        "select d from Deployment d where d.flowId = :flow and d.name = :name", Deployment.class)
                .setParameter("flow", flowId).setParameter("name", name).getResultStream().findFirst();
        JsonObject before = existing.map(Deployment::document).orElse(null);
        UUID id = existing.map(Deployment::getId).orElseGet(UUID::randomUUID);
        JsonObjectBuilder doc = Json.createObjectBuilder(before != null ? before : defaults(id, name, flowId, now));
        // as Prefect's exclude_unset: a field the request leaves out keeps its stored (or default) value
        for (String field : List.of("paused", "concurrency_options", "enforce_parameter_schema",
                "parameter_openapi_schema", "parameters", "tags", "pull_steps", "work_queue_name", "work_pool_name",
                "storage_document_id", "infrastructure_document_id", "description", "path", "version", "entrypoint",
                "job_variables", "version_info")) {
            if (body.has(field)) doc.add(field, checked(body, field));
        }
        JsonObject labels = Json.createObjectBuilder(flowLabels(flow)).add("prefect.flow.id", flowId.toString()).build();
        JsonObjectBuilder withUser = Json.createObjectBuilder(labels);
        body.object("labels").json().forEach(withUser::add);
        doc.add("labels", withUser).add("updated", now.toString());
        if (body.has("work_pool_name") || body.has("work_queue_name")) placeInQueue(doc, body);
        JsonObject after = doc.build();
        checkParameters(after, "parameters", true, 422);
        List<Body> schedules = body.objectList("schedules");
        List<Schedules.Schedule> parsed = new ArrayList<>();
        for (Body s : schedules) parsed.add(scheduleOf(s, now));
        Deployment d;
        if (existing.isPresent()) {
            d = existing.get();
            d.apply(after);
        } else {
            d = new Deployment(after);
            em.persist(d);
        }
        em.flush();
        deleteScheduledRuns(id, true, true);
        em.createQuery("delete from DeploymentSchedule s where s.deploymentId = :d").setParameter("d", id).executeUpdate();
        for (int i = 0; i < schedules.size(); i++) addSchedule(id, schedules.get(i), parsed.get(i), now);
        if (body.has("concurrency_limit") || body.has("global_concurrency_limit_id")) {
            setConcurrencyLimit(d, body);
        }
        em.flush();
        JsonObject stored = d.document();
        if (before == null) {
            changes.fire(withRelated(LifecycleChange.created(d.getWorkspaceId(), "prefect", "deployment", id, name, stored,
                    JsonValue.EMPTY_JSON_OBJECT), d));
        } else {
            fireUpdated(d, before, stored);
        }
        return new Upserted(describe(d), before == null);
    }

    /** {@code PATCH /deployments/{id}}: the fields present change; schedules are replaced or, by slug, patched. */
    @Transactional
    public void update(UUID id, Body body) {
        body.rejectUnknown(UPDATE_FIELDS);
        checkLimits(body);
        Deployment d = find(id);
        JsonObject before = d.document();
        Instant now = Instant.now();
        JsonObjectBuilder doc = Json.createObjectBuilder(before);
        for (String field : List.of("version", "description", "paused", "concurrency_options", "parameters",
                "parameter_openapi_schema", "tags", "work_queue_name", "work_pool_name", "path", "job_variables",
                "pull_steps", "entrypoint", "storage_document_id", "infrastructure_document_id",
                "enforce_parameter_schema", "version_info")) {
            // DeploymentUpdate's optional fields sent as null leave the value as it is (Prefect drops them)
            if (body.has(field) && !(body.isExplicitNull(field) && List.of("parameters", "parameter_openapi_schema",
                    "job_variables", "enforce_parameter_schema").contains(field))) {
                doc.add(field, checked(body, field));
            }
        }
        if (body.has("work_pool_name") || body.has("work_queue_name")) placeInQueue(doc, body);
        JsonObject after = doc.add("updated", now.toString()).build();
        if (body.has("parameters") && !body.isExplicitNull("parameters")) checkParameters(after, "parameters", true, 409);
        d.apply(after);
        em.flush();
        deleteScheduledRuns(id, true, true);
        if (body.has("schedules") && !body.isExplicitNull("schedules")) replaceSchedules(d, body.objectList("schedules"), now);
        if (body.has("concurrency_limit") || body.has("global_concurrency_limit_id")) setConcurrencyLimit(d, body);
        em.flush();
        fireUpdated(d, before, d.document());
    }

    /** Prefect's slug rules: all slugged on both sides patches by slug; slugs stored but not sent is a 422. */
    private void replaceSchedules(Deployment d, List<Body> given, Instant now) {
        List<DeploymentSchedule> current = schedules(d.getId());
        boolean allGivenSlugged = given.stream().allMatch(s -> s.optionalString("slug").isPresent());
        boolean allCurrentSlugged = !current.isEmpty() && current.stream().allMatch(s -> s.getSlug() != null);
        if (allCurrentSlugged && !allGivenSlugged) {
            throw new InvalidInput("Please provide a slug for each schedule in your request to ensure schedules "
                    + "are updated correctly.");
        }
        if (allCurrentSlugged) {
            for (Body s : given) {
                String slug = s.optionalString("slug").orElseThrow();
                Optional<DeploymentSchedule> target = current.stream().filter(c -> slug.equals(c.getSlug())).findFirst();
                if (target.isPresent()) {
                    patchSchedule(target.get(), s, now);
                } else if (s.has("schedule") && !s.isExplicitNull("schedule")) {
                    addSchedule(d.getId(), s, scheduleOf(s, now), now);
                } else {
                    throw new InvalidInput("Unable to create new deployment schedules without a schedule configuration.");
                }
            }
            return;
        }
        em.createQuery("delete from DeploymentSchedule s where s.deploymentId = :d").setParameter("d", d.getId()).executeUpdate();
        for (Body s : given) {
            if (s.has("schedule") && !s.isExplicitNull("schedule")) addSchedule(d.getId(), s, scheduleOf(s, now), now);
        }
    }

    @Transactional
    public JsonObject get(UUID id) {
        return describe(find(id));
    }

    /** {@code GET /deployments/name/{flow}/{deployment}}. */
    @Transactional
    public JsonObject getByName(String flowName, String name) {
        return em.createQuery("select d from Deployment d, Flow f where f.id = d.flowId and f.name = :flow "
                        + "and d.name = :name", Deployment.class)
                .setParameter("flow", flowName).setParameter("name", name).setMaxResults(1)
                .getResultStream().findFirst().map(this::describe).orElseThrow(DeploymentService::notFound);
    }

    /** {@code POST /deployments/filter}: the page of deployments the filters select, in the given order. */
    @Transactional
    public JsonArray filter(Body body, int offset, int limit) {
        RunFilters filters = new RunFilters();
        String where = filters.deployments(body);
        String order = switch (body.optionalString("sort").orElse("NAME_ASC")) {
            case "CREATED_DESC" -> "d.created desc, d.id";
            case "UPDATED_DESC" -> "d.updated desc, d.id";
            case "NAME_ASC" -> "d.name asc, d.id";
            case "NAME_DESC" -> "d.name desc, d.id";
            default -> throw InvalidInput.field("sort", "Input should be 'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'");
        };
        TypedQuery<Deployment> q = em.createQuery("select d from Deployment d" + where(where) + " order by " + order, Deployment.class);
        filters.params().forEach(q::setParameter);
        JsonArrayBuilder out = Json.createArrayBuilder();
        describeAll(q.setFirstResult(offset).setMaxResults(limit).getResultList()).forEach(out::add);
        return out.build();
    }

    @Transactional
    public long count(Body body) {
        RunFilters filters = new RunFilters();
        TypedQuery<Long> q = em.createQuery("select count(d) from Deployment d" + where(filters.deployments(body)), Long.class);
        filters.params().forEach(q::setParameter);
        return q.getSingleResult();
    }

    private static String where(String predicate) {
        return predicate.equals(RunFilters.TRUE) ? "" : " where " + predicate;
    }

    /** {@code DELETE /deployments/{id}}: its scheduled runs (not started) and its concurrency limit go with it. */
    @Transactional
    public void delete(UUID id) {
        // FOR UPDATE first: a scheduler round holding the row (FOR SHARE) commits its runs before theirs are deleted
        Deployment d = Optional.ofNullable(em.find(Deployment.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(DeploymentService::notFound);
        JsonObject before = d.document();
        deleteScheduledRuns(id, false, false);
        limits.findByName(LIMIT_PREFIX + id).ifPresent(l -> limits.delete(l.getId().toString()));
        LifecycleChange deleted = withRelated(LifecycleChange.deleted(d.getWorkspaceId(), "prefect", "deployment", id,
                d.getName(), before, JsonValue.EMPTY_JSON_OBJECT), d);
        em.remove(d);
        em.flush();
        changes.fire(deleted);
    }

    /**
     * Pause or resume. Pausing deletes the runs the schedules made that have not started, as Prefect does; resuming
     * lets the scheduler make them again. Prefect emits no lifecycle event here; Steward emits
     * {@code prefect.deployment.updated} (with {@code paused}) so the change reaches the audit trail.
     */
    @Transactional
    public void setPaused(UUID id, boolean paused) {
        Deployment d = find(id);
        JsonObject before = d.document();
        d.apply(Json.createObjectBuilder(before).add("paused", paused).add("updated", Instant.now().toString()).build());
        em.flush();
        if (paused) deleteScheduledRuns(id, true, false);
        fireUpdated(d, before, d.document());
    }

    /**
     * {@code POST /deployments/{id}/create_flow_run}: a run with the deployment's parameters overridden by the given
     * ones, checked against its parameter schema when enforced, its tags with the given ones, its work queue (or the
     * given one of its pool), job variables, infrastructure document and version; SCHEDULED for now unless a state
     * is given.
     */
    @Transactional
    public FlowRunService.Created createFlowRun(UUID id, Body body) {
        body.rejectUnknown(List.of("state", "name", "parameters", "enforce_parameter_schema", "context",
                "infrastructure_document_id", "empirical_policy", "tags", "idempotency_key", "labels",
                "parent_task_run_id", "work_queue_name", "job_variables"));
        Deployment d = find(id);
        JsonObject doc = d.document();
        JsonObjectBuilder parameters = Json.createObjectBuilder(doc.getJsonObject("parameters"));
        body.object("parameters").json().forEach(parameters::add);
        JsonObject merged = parameters.build();
        boolean enforce = body.optionalBoolean("enforce_parameter_schema").orElse(doc.getBoolean("enforce_parameter_schema", true));
        if (enforce) {
            if (!(doc.get("parameter_openapi_schema") instanceof JsonObject schema)) {
                throw new Conflict("Error updating deployment: Cannot update parameters because parameter schema "
                        + "enforcement is enabled and the deployment does not have a valid parameter schema.");
            }
            try {
                ParameterSchema.validate(merged, schema, false);
            } catch (ParameterSchema.Invalid e) {
                // Prefect 3.9 answers 409 here; a 422 says what it is, bad input (its client treats both alike)
                throw new InvalidInput("Error creating flow run: " + e.getMessage());
            }
        }
        String queueName = body.optionalString("work_queue_name").orElse(null);
        JsonValue queueId = doc.get("work_queue_id");
        if (queueName != null) {
            if (string(doc, "work_pool_name") == null) {
                throw new Rejected("Cannot create flow run in work queue " + queueName + " because deployment "
                        + id + " is not associated with a work pool. Please remove work_pool_name and try again.");
            }
            WorkQueues.Resolved queue = queues.resolve(string(doc, "work_pool_name"), queueName).orElseThrow();
            queueId = Json.createValue(queue.queueId().toString());
        }
        LinkedHashSet<String> tags = new LinkedHashSet<>(strings(doc.getJsonArray("tags")));
        tags.addAll(body.optionalStrings("tags").orElse(List.of()));
        JsonObjectBuilder run = Json.createObjectBuilder(body.json())
                .remove("enforce_parameter_schema")
                .add("flow_id", d.getFlowId().toString())
                .add("deployment_id", id.toString())
                .add("parameters", merged)
                .add("tags", Json.strings(tags))
                .add("labels", runLabels(d, body.object("labels").json()))
                .add("work_queue_name", queueName != null ? Json.createValue(queueName) : doc.get("work_queue_name"))
                .add("work_pool_name", doc.get("work_pool_name"))
                .add("infrastructure_document_id", body.optionalString("infrastructure_document_id")
                        .map(v -> (JsonValue) Json.createValue(v)).orElse(doc.get("infrastructure_document_id")));
        if (!body.has("state") || body.isExplicitNull("state")) {
            run.add("state", Json.createObjectBuilder().add("type", "SCHEDULED").add("name", "Scheduled"));
        }
        if (!body.has("job_variables") || body.isExplicitNull("job_variables")) run.add("job_variables", JsonValue.EMPTY_JSON_OBJECT);
        JsonObjectBuilder server = Json.createObjectBuilder()
                .add("deployment_version", doc.get("version"))
                .add("work_queue_id", queueId)
                .add("work_pool_id", doc.getOrDefault("work_pool_id", JsonValue.NULL));
        return runs.create(Body.of(run.build()), server.build(), true);
    }

    // ---- schedules ----

    @Transactional
    public JsonArray readSchedules(UUID id) {
        find(id);
        JsonArrayBuilder out = Json.createArrayBuilder();
        schedules(id).forEach(s -> out.add(s.document()));
        return out.build();
    }

    /** {@code POST /deployments/{id}/schedules}: a list of DeploymentScheduleCreate; 409 for a slug taken. */
    @Transactional
    public JsonArray createSchedules(UUID id, List<Body> given) {
        find(id);
        Instant now = Instant.now();
        List<Schedules.Schedule> parsed = new ArrayList<>();
        for (Body s : given) parsed.add(scheduleOf(s, now));
        List<String> slugs = new ArrayList<>(schedules(id).stream().map(DeploymentSchedule::getSlug).filter(s -> s != null).toList());
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (int i = 0; i < given.size(); i++) {
            Optional<String> slug = given.get(i).optionalString("slug");
            if (slug.isPresent()) {
                if (slugs.contains(slug.get())) throw new Conflict("Schedule slugs must be unique within a deployment.");
                slugs.add(slug.get());
            }
            out.add(addSchedule(id, given.get(i), parsed.get(i), now).document());
        }
        em.flush();
        return out.build();
    }

    /** {@code PATCH /deployments/{id}/schedules/{schedule_id}}; future auto-scheduled runs are made again. */
    @Transactional
    public void updateSchedule(UUID id, UUID scheduleId, Body body) {
        find(id);
        DeploymentSchedule s = schedule(id, scheduleId);
        patchSchedule(s, body, Instant.now());
        em.flush();
        deleteScheduledRuns(id, true, true);
    }

    @Transactional
    public void deleteSchedule(UUID id, UUID scheduleId) {
        find(id);
        em.remove(schedule(id, scheduleId));
        em.flush();
        deleteScheduledRuns(id, true, false);
    }

    private DeploymentSchedule schedule(UUID deploymentId, UUID scheduleId) {
        DeploymentSchedule s = em.find(DeploymentSchedule.class, scheduleId);
        if (s == null || !s.getDeploymentId().equals(deploymentId)) throw new NotFound("Schedule not found.");
        return s;
    }

    private void patchSchedule(DeploymentSchedule s, Body body, Instant now) {
        body.rejectUnknown(List.of("active", "schedule", "max_scheduled_runs", "parameters", "slug", "replaces"));
        JsonObjectBuilder doc = Json.createObjectBuilder(s.document()).add("updated", now.toString());
        body.optionalBoolean("active").ifPresent(a -> doc.add("active", a));
        if (body.has("schedule") && !body.isExplicitNull("schedule")) {
            doc.add("schedule", Schedules.parse(body.object("schedule"), now).json());
        }
        if (body.has("max_scheduled_runs") && !body.isExplicitNull("max_scheduled_runs")) {
            doc.add("max_scheduled_runs", maxRuns(body));
        }
        // Prefect's update takes the fields that are not None; parameters defaults to {} and so always replaces
        doc.add("parameters", body.object("parameters").json());
        body.optionalString("slug").ifPresent(slug -> doc.add("slug", slug));
        s.apply(doc.build());
    }

    private DeploymentSchedule addSchedule(UUID deploymentId, Body body, Schedules.Schedule schedule, Instant now) {
        JsonObject doc = Json.createObjectBuilder()
                .add("id", UUID.randomUUID().toString()).add("created", now.toString()).add("updated", now.toString())
                .add("deployment_id", deploymentId.toString())
                .add("schedule", schedule.json())
                .add("active", body.optionalBoolean("active").orElse(true))
                .add("max_scheduled_runs", body.has("max_scheduled_runs") && !body.isExplicitNull("max_scheduled_runs")
                        ? Json.createValue(maxRuns(body)) : JsonValue.NULL)
                .add("parameters", body.object("parameters").json())
                .add("slug", body.raw("slug"))
                .build();
        DeploymentSchedule s = new DeploymentSchedule(doc);
        em.persist(s);
        return s;
    }

    private Schedules.Schedule scheduleOf(Body s, Instant now) {
        s.rejectUnknown(List.of("active", "schedule", "max_scheduled_runs", "parameters", "slug", "replaces"));
        if (!s.has("schedule") || s.isExplicitNull("schedule")) throw InvalidInput.missing(s.location("schedule"));
        s.optionalBoolean("active");
        s.optionalString("slug");
        s.object("parameters");
        if (s.has("max_scheduled_runs") && !s.isExplicitNull("max_scheduled_runs")) maxRuns(s);
        return Schedules.parse(s.object("schedule"), now);
    }

    private int maxRuns(Body body) {
        int max = body.integer("max_scheduled_runs", 1, 1, Integer.MAX_VALUE);
        if (max > settings.maxScheduledRunsPerSchedule()) {
            throw InvalidInput.field(body.location("max_scheduled_runs"), "Value error, `max_scheduled_runs` must be "
                    + "less than or equal to " + settings.maxScheduledRunsPerSchedule());
        }
        return max;
    }

    /** The schedules of a deployment, newest update first (Prefect's order). */
    List<DeploymentSchedule> schedules(UUID deploymentId) {
        return em.createQuery("select s from DeploymentSchedule s where s.deploymentId = :d order by s.updated desc, s.id",
                DeploymentSchedule.class).setParameter("d", deploymentId).getResultList();
    }

    // ---- runs made by schedules ----

    /**
     * Makes the runs of the deployment's active schedules from {@code start}: Prefect's rules (fewest runs that give at
     * least {@code minRuns} and reach {@code start + minTime}, at most {@code maxRuns} per schedule and none after
     * {@code end}), each run keyed {@code scheduled <deployment> <schedule> <date>} so that making them twice makes
     * them once. A paused deployment gets none.
     * @return how many runs were new
     */
    @Transactional
    public int scheduleRuns(UUID id, Instant start, Instant end, Duration minTime, int minRuns, int maxRuns) {
        // FOR SHARE: a pause, update or deletion (each writes the row and deletes the deployment's scheduled runs)
        // waits until these runs are committed, and one committed first is seen here
        Deployment d = em.find(Deployment.class, id, LockModeType.PESSIMISTIC_READ);
        if (d == null || d.isPaused()) return 0;
        JsonObject doc = d.document();
        int made = 0;
        for (DeploymentSchedule s : schedules(id)) {
            if (!s.isActive()) continue;
            JsonObject sdoc = s.document();
            int cap = sdoc.get("max_scheduled_runs") instanceof JsonNumber n ? Math.min(maxRuns, n.intValue()) : maxRuns;
            List<Instant> dates = new ArrayList<>();
            for (Instant t : Schedules.of(sdoc.getJsonObject("schedule")).dates(cap, start, end)) {
                dates.add(t);
                if (dates.size() >= minRuns && !t.isBefore(start.plus(minTime))) break;
            }
            JsonObjectBuilder parameters = Json.createObjectBuilder(doc.getJsonObject("parameters"));
            sdoc.getJsonObject("parameters").forEach(parameters::add);
            JsonObject params = parameters.build();
            List<String> tags = new ArrayList<>(List.of("auto-scheduled"));
            tags.addAll(strings(doc.getJsonArray("tags")));
            JsonObject labels = runLabels(d, JsonValue.EMPTY_JSON_OBJECT);
            String display = s.getSlug() != null ? s.getSlug() : Schedules.of(sdoc.getJsonObject("schedule")).kind();
            for (Instant t : dates) {
                JsonObject run = Json.createObjectBuilder()
                        .add("flow_id", d.getFlowId().toString()).add("deployment_id", id.toString())
                        .add("parameters", params).add("tags", Json.strings(tags)).add("labels", labels)
                        .add("idempotency_key", "scheduled " + id + " " + s.getId() + " " + pythonTime(t))
                        .add("work_queue_name", doc.get("work_queue_name")).add("work_pool_name", doc.get("work_pool_name"))
                        .add("infrastructure_document_id", doc.get("infrastructure_document_id"))
                        .add("state", Json.createObjectBuilder().add("type", "SCHEDULED").add("name", "Scheduled")
                                .add("message", "Flow run scheduled")
                                .add("state_details", Json.createObjectBuilder().add("scheduled_time", t.toString())))
                        .build();
                JsonObject server = Json.createObjectBuilder()
                        .add("deployment_version", doc.get("version")).add("work_queue_id", doc.get("work_queue_id"))
                        .add("work_pool_id", doc.getOrDefault("work_pool_id", JsonValue.NULL))
                        .add("auto_scheduled", true)
                        .add("created_by", Json.createObjectBuilder().add("id", s.getId().toString())
                                .add("display_value", display).add("type", "SCHEDULE"))
                        .build();
                if (runs.create(Body.of(run), server, false).created()) made++;
            }
        }
        return made;
    }

    /** The scheduled time as Python prints a UTC datetime (Prefect's idempotency key holds {@code str(date)}). */
    static String pythonTime(Instant t) {
        java.time.OffsetDateTime o = t.atOffset(java.time.ZoneOffset.UTC);
        String micros = o.getNano() == 0 ? "" : String.format(".%06d", o.getNano() / 1000);
        return PYTHON_TIME.format(o) + micros + "+00:00";
    }

    private static final java.time.format.DateTimeFormatter PYTHON_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * Prefect's _delete_scheduled_runs: the deployment's runs still SCHEDULED that never ran (not those waiting for a
     * concurrency slot); only auto-scheduled ones, only future ones, as asked.
     */
    void deleteScheduledRuns(UUID deploymentId, boolean autoScheduledOnly, boolean futureOnly) {
        String sql = "delete from flow_run where workspace_id = ?1 and deployment_id = ?2 and state_type = 'SCHEDULED' "
                + "and state_name <> 'AwaitingConcurrencySlot' and coalesce((body->>'run_count')::int, 0) = 0"
                + (autoScheduledOnly ? " and coalesce((body->>'auto_scheduled')::boolean, false)" : "")
                + (futureOnly ? " and next_scheduled_start_time > now()" : "");
        em.createNativeQuery(sql).setParameter(1, workspaceId()).setParameter(2, deploymentId).executeUpdate();
    }

    // ---- runners ----

    /**
     * {@code POST /deployments/get_scheduled_flow_runs}: the SCHEDULED runs of these deployments due before the
     * given time, soonest first; the deployments are marked READY and polled now (Prefect does that in the
     * background).
     */
    @Transactional
    public JsonArray scheduledRuns(List<UUID> deploymentIds, Instant before, int limit) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        if (deploymentIds.isEmpty()) return out.build();
        // no scheduled_before: every scheduled run (a date far in the future keeps one statement)
        Instant until = before == null ? Instant.parse("9999-12-31T23:59:59Z") : before;
        @SuppressWarnings("unchecked")
        List<String> bodies = em.createNativeQuery("select cast(body as text) from flow_run where workspace_id = ?1 "
                        + "and deployment_id in (?2) and state_type = 'SCHEDULED' "
                        + "and coalesce(next_scheduled_start_time, expected_start_time) <= cast(?3 as timestamptz) "
                        + "order by next_scheduled_start_time asc nulls last, id limit ?4")
                .setParameter(1, workspaceId()).setParameter(2, deploymentIds)
                .setParameter(3, until.toString()).setParameter(4, limit).getResultList();
        bodies.forEach(b -> out.add(Json.parseObject(b)));
        // as Prefect's mark_deployments_ready: status and last_polled change, updated does not; one statement, since
        // a runner polls every few seconds
        em.createNativeQuery("update deployment set body = body || jsonb_build_object('status', 'READY', 'last_polled', "
                        + "cast(?1 as text)) where workspace_id = ?2 and id in (?3)")
                .setParameter(1, Instant.now().toString()).setParameter(2, workspaceId()).setParameter(3, deploymentIds)
                .executeUpdate();
        return out.build();
    }

    // ---- helpers ----

    private Deployment find(UUID id) {
        return Optional.ofNullable(em.find(Deployment.class, id)).orElseThrow(DeploymentService::notFound);
    }

    /**
     * The work queue of a created or updated deployment, resolved from its pool and queue names as Prefect does
     * ({@link WorkQueues#resolve}: an unknown queue of a known pool is created); an unknown pool is bad input, a 422
     * that names it (Prefect answers 404, which reads as if the deployment were missing); a pool name sent as null
     * takes the deployment out of any queue (a deployment served by {@code flow.serve()}).
     */
    private void placeInQueue(JsonObjectBuilder doc, Body body) {
        String poolName = body.optionalString("work_pool_name").orElse(null);
        String queueName = body.optionalString("work_queue_name").orElse(null);
        Optional<WorkQueues.Resolved> resolved;
        try {
            resolved = poolName == null && body.isExplicitNull("work_pool_name")
                    ? Optional.empty() : queues.resolve(poolName, queueName);
        } catch (NotFound e) {
            throw InvalidInput.field("work_pool_name", "Work pool \"" + poolName + "\" not found.");
        }
        doc.add("work_queue_id", resolved.map(r -> (JsonValue) Json.createValue(r.queueId().toString())).orElse(JsonValue.NULL))
                .add("work_queue_name", resolved.map(r -> (JsonValue) Json.createValue(r.queueName())).orElse(JsonValue.NULL))
                .add("work_pool_id", resolved.map(r -> (JsonValue) Json.createValue(r.poolId().toString())).orElse(JsonValue.NULL))
                .add("work_pool_name", resolved.map(r -> (JsonValue) Json.createValue(r.poolName())).orElse(JsonValue.NULL));
    }

    /** Prefect's related resources of a deployment event: its flow, work queue and work pool. */
    private jakarta.json.JsonArray related(Deployment d) {
        JsonObject doc = d.document();
        JsonArrayBuilder related = Json.createArrayBuilder();
        Flow flow = em.find(Flow.class, d.getFlowId());
        if (flow != null) {
            related.add(Json.createObjectBuilder().add("prefect.resource.id", "prefect.flow." + flow.getId())
                    .add("prefect.resource.name", flow.getName()).add("prefect.resource.role", "flow"));
        }
        if (d.getWorkQueueId() != null) {
            related.add(Json.createObjectBuilder().add("prefect.resource.id", "prefect.work-queue." + d.getWorkQueueId())
                    .add("prefect.resource.name", String.valueOf(string(doc, "work_queue_name")))
                    .add("prefect.resource.role", "work-queue"));
            String poolId = string(doc, "work_pool_id");
            Optional<WorkPool> pool = poolId == null ? Optional.empty() : pools.get(UUID.fromString(poolId));
            pool.ifPresent(p -> related.add(Json.createObjectBuilder()
                    .add("prefect.resource.id", "prefect.work-pool." + p.getId())
                    .add("prefect.resource.name", p.getName()).add("prefect.work-pool.type", p.getType())
                    .add("prefect.resource.role", "work-pool")));
        }
        return related.build();
    }

    private LifecycleChange withRelated(LifecycleChange change, Deployment d) {
        return change.withResource(JsonValue.EMPTY_JSON_OBJECT, related(d));
    }

    /** Prefect's DeploymentResponse: the document, its schedules and its concurrency limit. */
    JsonObject describe(Deployment d) {
        return describeAll(List.of(d)).get(0);
    }

    /** {@link #describe} for a page of deployments, with one query for their schedules and one for their limits. */
    private List<JsonObject> describeAll(List<Deployment> page) {
        if (page.isEmpty()) return List.of();
        Map<UUID, List<DeploymentSchedule>> schedules = new HashMap<>();
        em.createQuery("select s from DeploymentSchedule s where s.deploymentId in :ids order by s.updated desc, s.id",
                        DeploymentSchedule.class).setParameter("ids", page.stream().map(Deployment::getId).toList())
                .getResultList().forEach(s -> schedules.computeIfAbsent(s.getDeploymentId(), k -> new ArrayList<>()).add(s));
        // the limit its runs take slots of: its own (deployment:<id>) or the global one it names
        List<UUID> limitIds = page.stream().map(d -> d.document().get("concurrency_limit_id"))
                .filter(JsonString.class::isInstance).map(v -> UUID.fromString(((JsonString) v).getString())).toList();
        Map<String, JsonValue> limitsById = new HashMap<>();
        if (!limitIds.isEmpty()) {
            em.createQuery("select c from ConcurrencyLimit c where c.id in :ids", ConcurrencyLimit.class)
                    .setParameter("ids", limitIds).getResultList()
                    .forEach(c -> limitsById.put(c.getId().toString(), ConcurrencyLimitService.read(c)));
        }
        List<JsonObject> out = new ArrayList<>(page.size());
        for (Deployment d : page) {
            JsonObject doc = d.document();
            JsonArrayBuilder own = Json.createArrayBuilder();
            schedules.getOrDefault(d.getId(), List.of()).forEach(s -> own.add(s.document()));
            JsonValue limit = doc.get("concurrency_limit_id") instanceof JsonString limitId
                    ? limitsById.getOrDefault(limitId.getString(), JsonValue.NULL) : JsonValue.NULL;
            out.add(Json.createObjectBuilder(doc)
                    .add("schedules", own)
                    .add("concurrency_limit", JsonValue.NULL)
                    .add("global_concurrency_limit", limit)
                    .build());
        }
        return out;
    }

    private static JsonObject defaults(UUID id, String name, UUID flowId, Instant now) {
        return Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now.toString()).add("updated", now.toString())
                .add("name", name).add("version", JsonValue.NULL).add("description", JsonValue.NULL)
                .add("flow_id", flowId.toString()).add("paused", false)
                .add("concurrency_limit_id", JsonValue.NULL).add("concurrency_options", JsonValue.NULL)
                .add("job_variables", JsonValue.EMPTY_JSON_OBJECT).add("parameters", JsonValue.EMPTY_JSON_OBJECT)
                .add("tags", JsonValue.EMPTY_JSON_ARRAY).add("labels", JsonValue.EMPTY_JSON_OBJECT)
                .add("work_queue_name", JsonValue.NULL).add("work_queue_id", JsonValue.NULL)
                .add("work_pool_name", JsonValue.NULL).add("work_pool_id", JsonValue.NULL)
                .add("last_polled", JsonValue.NULL).add("parameter_openapi_schema", EMPTY_SCHEMA)
                .add("path", JsonValue.NULL).add("pull_steps", JsonValue.NULL).add("entrypoint", JsonValue.NULL)
                .add("storage_document_id", JsonValue.NULL).add("infrastructure_document_id", JsonValue.NULL)
                .add("created_by", JsonValue.NULL).add("updated_by", JsonValue.NULL)
                .add("status", "NOT_READY").add("enforce_parameter_schema", true)
                .add("version_info", JsonValue.NULL)
                .build();
    }

    /** A field of a create or update, type-checked as Prefect's schema does. */
    private static JsonValue checked(Body body, String field) {
        JsonValue v = body.raw(field);
        if (v == JsonValue.NULL) {
            return switch (field) {
                case "paused" -> throw InvalidInput.field(field, "Input should be a valid boolean");
                case "tags" -> throw InvalidInput.field(field, "Input should be a valid list");
                case "parameters", "job_variables" -> JsonValue.EMPTY_JSON_OBJECT;
                case "enforce_parameter_schema" -> JsonValue.TRUE;
                default -> JsonValue.NULL;
            };
        }
        switch (field) {
            case "paused", "enforce_parameter_schema" -> body.optionalBoolean(field);
            case "tags" -> body.optionalStrings(field);
            case "parameters", "job_variables", "parameter_openapi_schema", "concurrency_options", "version_info" -> body.object(field);
            case "pull_steps" -> body.objectList(field);
            case "storage_document_id", "infrastructure_document_id" -> body.optionalUuid(field);
            default -> body.optionalString(field);
        }
        if (field.equals("concurrency_options")) {
            Body options = body.object(field);
            options.rejectUnknown(List.of("collision_strategy", "grace_period_seconds"));
            if (options.has("grace_period_seconds")) options.number("grace_period_seconds", 0, 60, 86_400);
            String strategy = options.requiredString("collision_strategy");
            if (!List.of("ENQUEUE", "CANCEL_NEW").contains(strategy)) {
                throw InvalidInput.field(options.location("collision_strategy"), "Input should be 'ENQUEUE' or 'CANCEL_NEW'");
            }
        }
        return v;
    }

    /** Prefect's validators: the schema must be a schema, and the parameters must fit it (required ones aside). */
    private static void checkParameters(JsonObject doc, String at, boolean ignoreRequired, int status) {
        if (!doc.getBoolean("enforce_parameter_schema", true)) return;
        if (!(doc.get("parameter_openapi_schema") instanceof JsonObject schema)) {
            if (status == 409) {
                throw new Conflict("Error updating deployment: Cannot update parameters because parameter schema "
                        + "enforcement is enabled and the deployment does not have a valid parameter schema.");
            }
            return;
        }
        try {
            ParameterSchema.checkSchema(schema);
        } catch (ParameterSchema.Invalid e) {
            throw status == 409 ? new Conflict("Error updating deployment: " + e.getMessage())
                    : InvalidInput.field("", "Value error, " + e.getMessage());
        }
        try {
            ParameterSchema.validate(doc.getJsonObject("parameters"), schema, ignoreRequired);
        } catch (ParameterSchema.Invalid e) {
            // parameters that fail the schema are bad input: 422 (Prefect 3.9 answers an update with 409)
            throw status == 409 ? new InvalidInput("Error updating deployment: " + e.getMessage())
                    : InvalidInput.field("", "Value error, " + e.getMessage());
        }
    }

    private static void checkLimits(Body body) {
        if (body.has("concurrency_limit") && !body.isExplicitNull("concurrency_limit")) {
            body.integer("concurrency_limit", 1, 1, Integer.MAX_VALUE);
        }
        body.optionalUuid("global_concurrency_limit_id");
        if (body.has("concurrency_limit") && !body.isExplicitNull("concurrency_limit")
                && body.optionalString("global_concurrency_limit_id").isPresent()) {
            throw InvalidInput.field("", "Value error, A deployment cannot have both a concurrency limit and a global "
                    + "concurrency limit.");
        }
    }

    /**
     * A deployment's concurrency_limit is the v2 limit {@code deployment:<id>} (created, resized or deleted here);
     * global_concurrency_limit_id points at an existing limit instead.
     */
    private void setConcurrencyLimit(Deployment d, Body body) {
        String own = LIMIT_PREFIX + d.getId();
        Optional<ConcurrencyLimit> current = limits.findByName(own);
        JsonValue limitId;
        if (body.optionalString("global_concurrency_limit_id").isPresent()) {
            ConcurrencyLimit global = limits.find(body.optionalString("global_concurrency_limit_id").get())
                    .orElseThrow(() -> new NotFound("Concurrency limit not found"));
            limitId = Json.createValue(global.getId().toString());
            // its own limit, if it had one, no longer applies
            current.filter(l -> !l.getId().equals(global.getId())).ifPresent(l -> limits.delete(l.getId().toString()));
        } else if (body.has("concurrency_limit") && !body.isExplicitNull("concurrency_limit")) {
            int slots = body.integer("concurrency_limit", 1, 1, Integer.MAX_VALUE);
            ConcurrencyLimit limit = current.isPresent()
                    ? limits.update(current.get().getId().toString(), new ConcurrencyLimitService.Update(null, slots, null, null, null, null))
                    : limits.create(new ConcurrencyLimitService.Create(own, slots, true, 0, 0, 0));
            limitId = Json.createValue(limit.getId().toString());
        } else {
            current.ifPresent(l -> limits.delete(l.getId().toString()));
            limitId = JsonValue.NULL;
        }
        d.apply(Json.createObjectBuilder(d.document()).add("concurrency_limit_id", limitId).build());
    }

    private void fireUpdated(Deployment d, JsonObject before, JsonObject after) {
        JsonObjectBuilder updates = Json.createObjectBuilder();
        JsonArrayBuilder names = Json.createArrayBuilder();
        boolean any = false;
        for (Map.Entry<String, String> f : EVENT_FIELDS.entrySet()) {
            JsonValue from = before.getOrDefault(f.getKey(), JsonValue.NULL);
            JsonValue to = after.getOrDefault(f.getKey(), JsonValue.NULL);
            if (!from.equals(to)) {
                any = true;
                names.add(f.getValue());
                updates.add(f.getValue(), Json.createObjectBuilder().add("from", from).add("to", to));
            }
        }
        if (!any) return;
        changes.fire(withRelated(LifecycleChange.updated(d.getWorkspaceId(), "prefect", "deployment", d.getId(),
                d.getName(), before, after,
                Json.createObjectBuilder().add("updated_fields", names).add("updates", updates).build()), d));
    }

    /** A run's labels: the deployment's, then Prefect's system labels, then the run's own. */
    private static JsonObject runLabels(Deployment d, JsonObject own) {
        JsonObjectBuilder labels = Json.createObjectBuilder(d.document().getJsonObject("labels"))
                .add("prefect.flow.id", d.getFlowId().toString())
                .add("prefect.deployment.id", d.getId().toString());
        own.forEach(labels::add);
        return labels.build();
    }

    private static JsonObject flowLabels(Flow flow) {
        JsonValue labels = flow.getLabels() == null ? JsonValue.NULL : Json.parse(flow.getLabels());
        return labels instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? List.of() : array.getValuesAs(JsonString::getString);
    }

    private static String string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }

    private UUID workspaceId() {
        return TenantScope.workspaceId();
    }

    static Problem notFound() {
        return new NotFound("Deployment not found");
    }
}
