package dev.steward.deployments;

import dev.steward.concurrency.ConcurrencyLimit;
import dev.steward.concurrency.ConcurrencyLimitDocument;
import dev.steward.concurrency.ConcurrencyLimitService;
import dev.steward.deployments.DeploymentDocument.ConcurrencyChange;
import dev.steward.deployments.DeploymentDocument.Placement;
import dev.steward.deployments.DeploymentRuns.ScheduledRuns;
import dev.steward.orchestration.Flow;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.workers.WorkPool;
import dev.steward.workers.WorkPools;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployments of the current workspace, as Prefect 3.9's server keeps them (server/models/deployments.py): an upsert
 * by flow and name, reads, filters, partial updates, deletion, pause and resume. Requests and answers are
 * {@link DeploymentDocument}s; schedules are {@link DeploymentSchedules}' and runs {@link DeploymentRuns}'. Each change
 * fires a {@link LifecycleChange} ({@code prefect.deployment.created|updated|deleted}) in its transaction, related to
 * the deployment's flow, work queue and work pool.
 */
@ApplicationScoped
public class DeploymentService {
    /** The name of a deployment's own concurrency limit is this and its id. */
    private static final String LIMIT_PREFIX = "deployment:";

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    DeploymentStore store;

    @Inject
    DeploymentSchedules schedules;

    @Inject
    DeploymentRuns runs;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    WorkQueues queues;

    @Inject
    WorkPools pools;

    /** The deployment as Prefect answers it, and whether the upsert made it (201) or updated it (200). */
    public record Upserted(JsonObject deployment, boolean created) {}

    /** {@code POST /deployments/}: Prefect's upsert by flow and name; a known deployment keeps its id and creation. */
    @Transactional
    public Upserted upsert(Body body) {
        DeploymentDocument.Request request = DeploymentDocument.Request.create(body);
        String name = request.name();
        UUID flowId = request.flowId();
        Flow flow = store.flow(flowId).orElseThrow(() -> new NotFound("Flow not found"));
        Optional<ConcurrencyChange> concurrency = request.concurrency();
        // the second of two deploys at once waits here until the first commits, then finds its row
        Optional<Deployment> existing = store.lockByFlowAndName(flowId, name);
        Instant now = Instant.now();
        DeploymentDocument before = existing.map(Deployment::document).orElse(null);
        UUID id = existing.map(Deployment::getId).orElseGet(UUID::randomUUID);
        DeploymentDocument after = (before != null ? before : DeploymentDocument.defaults(id, name, flowId, now))
                .with(request.fields())
                .labelled(flowLabels(flow), request.labels())
                .updatedAt(now);
        Optional<Placement> placement = request.placement();
        if (placement.isPresent()) after = after.placedIn(place(placement.get()));
        after.checkParametersOnCreate();
        List<DeploymentScheduleDocument> given = schedules.parse(id, request.schedules().orElse(List.of()), now);
        Deployment d;
        if (existing.isPresent()) {
            d = existing.get();
            d.apply(after);
        } else {
            d = new Deployment(after);
            store.add(d);
        }
        store.flush();
        runs.deleteScheduledRuns(id, ScheduledRuns.FUTURE_AUTO_SCHEDULED);
        schedules.replaceAll(id, given);
        concurrency.ifPresent(change -> setConcurrencyLimit(d, change));
        store.flush();
        if (before == null) {
            changes.fire(withRelated(LifecycleChange.created(d.getWorkspaceId(), "prefect", "deployment", id, name,
                    d.document().json(), JsonValue.EMPTY_JSON_OBJECT), d));
        } else {
            fireUpdated(d, before);
        }
        return new Upserted(response(d), before == null);
    }

    /** {@code PATCH /deployments/{id}}: the fields present change; schedules are replaced or, by slug, patched. */
    @Transactional
    public void update(UUID id, Body body) {
        DeploymentDocument.Request request = DeploymentDocument.Request.update(body);
        Optional<ConcurrencyChange> concurrency = request.concurrency();
        Deployment d = store.get(id);
        DeploymentDocument before = d.document();
        Instant now = Instant.now();
        DeploymentDocument after = before.with(request.fields());
        Optional<Placement> placement = request.placement();
        if (placement.isPresent()) after = after.placedIn(place(placement.get()));
        after = after.updatedAt(now);
        if (request.setsParameters()) after.checkParametersOnUpdate();
        d.apply(after);
        store.flush();
        runs.deleteScheduledRuns(id, ScheduledRuns.FUTURE_AUTO_SCHEDULED);
        request.schedules().ifPresent(given -> schedules.replace(id, given, now));
        concurrency.ifPresent(change -> setConcurrencyLimit(d, change));
        store.flush();
        fireUpdated(d, before);
    }

    @Transactional
    public JsonObject get(UUID id) {
        return response(store.get(id));
    }

    /** {@code GET /deployments/name/{flow}/{deployment}}. */
    @Transactional
    public JsonObject getByName(String flowName, String name) {
        return response(store.getByName(flowName, name));
    }

    /** {@code POST /deployments/filter}: the page of deployments the filters select, in the given order. */
    @Transactional
    public JsonArray filter(Body body, int offset, int limit) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        responses(store.page(body, offset, limit)).forEach(out::add);
        return out.build();
    }

    @Transactional
    public long count(Body body) {
        return store.count(body);
    }

    /** {@code DELETE /deployments/{id}}: its scheduled runs (not started) and its concurrency limit go with it. */
    @Transactional
    public void delete(UUID id) {
        Deployment d = store.getForUpdate(id);
        DeploymentDocument before = d.document();
        runs.deleteScheduledRuns(id, ScheduledRuns.ALL);
        limits.findByName(LIMIT_PREFIX + id).ifPresent(l -> limits.delete(l.getId().toString()));
        LifecycleChange deleted = withRelated(LifecycleChange.deleted(d.getWorkspaceId(), "prefect", "deployment", id,
                d.getName(), before.json(), JsonValue.EMPTY_JSON_OBJECT), d);
        store.remove(d);
        store.flush();
        changes.fire(deleted);
    }

    /**
     * Pause or resume. Pausing deletes the runs the schedules made that have not started, as Prefect does; resuming
     * lets the scheduler make them again. Prefect emits no lifecycle event here; Steward emits
     * {@code prefect.deployment.updated} (with {@code paused}) so the change reaches the audit trail.
     */
    @Transactional
    public void setPaused(UUID id, boolean paused) {
        Deployment d = store.get(id);
        DeploymentDocument before = d.document();
        d.apply(before.paused(paused).updatedAt(Instant.now()));
        store.flush();
        if (paused) runs.deleteScheduledRuns(id, ScheduledRuns.AUTO_SCHEDULED);
        fireUpdated(d, before);
    }

    /**
     * The work queue of a created or updated deployment, resolved from its pool and queue names as Prefect does
     * ({@link WorkQueues#resolve}: an unknown queue of a known pool is created); an unknown pool is bad input, a 422
     * that names it (Prefect answers 404, which reads as if the deployment were missing); a pool name sent as null
     * takes the deployment out of any queue (a deployment served by {@code flow.serve()}).
     */
    private Optional<WorkQueues.Resolved> place(Placement placement) {
        if (placement.noPool()) return Optional.empty();
        try {
            return queues.resolve(placement.poolName(), placement.queueName());
        } catch (NotFound e) {
            throw InvalidInput.field("work_pool_name", "Work pool \"" + placement.poolName() + "\" not found.");
        }
    }

    /**
     * A deployment's concurrency_limit is the v2 limit {@code deployment:<id>} (created, resized or deleted here);
     * global_concurrency_limit_id points at an existing limit instead.
     */
    private void setConcurrencyLimit(Deployment d, ConcurrencyChange change) {
        String own = LIMIT_PREFIX + d.getId();
        Optional<ConcurrencyLimit> current = limits.findByName(own);
        UUID limitId;
        if (change.globalLimitId() != null) {
            ConcurrencyLimit global = limits.find(change.globalLimitId().toString())
                    .orElseThrow(() -> new NotFound("Concurrency limit not found"));
            limitId = global.getId();
            // its own limit, if it had one, no longer applies
            current.filter(l -> !l.getId().equals(global.getId())).ifPresent(l -> limits.delete(l.getId().toString()));
        } else if (change.slots() != null) {
            ConcurrencyLimit limit = current.isPresent()
                    ? limits.update(current.get().getId().toString(),
                            new ConcurrencyLimitService.Update(null, change.slots(), null, null, null, null))
                    : limits.create(new ConcurrencyLimitService.Create(own, change.slots(), true, 0, 0, 0));
            limitId = limit.getId();
        } else {
            current.ifPresent(l -> limits.delete(l.getId().toString()));
            limitId = null;
        }
        d.apply(d.document().withConcurrencyLimitId(Optional.ofNullable(limitId)));
    }

    /** Fires {@code prefect.deployment.updated} when a field Prefect tracks changed from {@code before}. */
    private void fireUpdated(Deployment d, DeploymentDocument before) {
        DeploymentDocument after = d.document();
        before.changesTo(after).ifPresent(payload -> changes.fire(withRelated(LifecycleChange.updated(
                d.getWorkspaceId(), "prefect", "deployment", d.getId(), d.getName(), before.json(), after.json(),
                payload), d)));
    }

    private LifecycleChange withRelated(LifecycleChange change, Deployment d) {
        return change.withResource(JsonValue.EMPTY_JSON_OBJECT, related(d));
    }

    /** Prefect's related resources of a deployment event: its flow, work queue and work pool. */
    JsonArray related(Deployment d) {
        DeploymentDocument doc = d.document();
        JsonArrayBuilder related = Json.createArrayBuilder();
        store.flow(d.getFlowId()).ifPresent(flow -> related.add(Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.flow." + flow.getId())
                .add("prefect.resource.name", flow.getName()).add("prefect.resource.role", "flow")));
        if (d.getWorkQueueId() != null) {
            related.add(Json.createObjectBuilder().add("prefect.resource.id", "prefect.work-queue." + d.getWorkQueueId())
                    .add("prefect.resource.name", doc.workQueueName().orElse("null"))
                    .add("prefect.resource.role", "work-queue"));
            Optional<WorkPool> pool = doc.workPoolId().flatMap(pools::get);
            pool.ifPresent(p -> related.add(Json.createObjectBuilder()
                    .add("prefect.resource.id", "prefect.work-pool." + p.getId())
                    .add("prefect.resource.name", p.getName()).add("prefect.work-pool.type", p.getType())
                    .add("prefect.resource.role", "work-pool")));
        }
        return related.build();
    }

    private JsonObject response(Deployment d) {
        return responses(List.of(d)).get(0);
    }

    /** Prefect's DeploymentResponse of each of a page of deployments, with one query for schedules and one for limits. */
    private List<JsonObject> responses(List<Deployment> page) {
        if (page.isEmpty()) return List.of();
        Map<UUID, List<DeploymentSchedule>> schedulesById = store.schedules(page.stream().map(Deployment::getId).toList());
        Map<UUID, JsonValue> limitsById = new HashMap<>();
        List<UUID> limitIds = page.stream().flatMap(d -> d.document().concurrencyLimitId().stream()).toList();
        store.concurrencyLimits(limitIds).forEach(c -> limitsById.put(c.getId(), ConcurrencyLimitDocument.write(c)));
        List<JsonObject> out = new ArrayList<>(page.size());
        for (Deployment d : page) {
            DeploymentDocument doc = d.document();
            List<DeploymentScheduleDocument> own = schedulesById.getOrDefault(d.getId(), List.of()).stream()
                    .map(DeploymentSchedule::document).toList();
            out.add(doc.response(own, doc.concurrencyLimitId().map(limitsById::get).orElse(JsonValue.NULL)));
        }
        return out;
    }

    private static JsonObject flowLabels(Flow flow) {
        JsonValue labels = flow.getLabels() == null ? JsonValue.NULL : Json.parse(flow.getLabels());
        return labels instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }
}
