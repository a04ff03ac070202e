package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.audit.AuditTrail;
import dev.steward.events.RunEvent;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.ParameterSchema;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Flow runs of the current workspace: creation, reads, state changes through {@link FlowRunRules}, updates, labels
 * and deletion. A change locks the run's row, so concurrent proposals for one run are decided one after the other.
 * Prefect 3.9 emits no event when a run is updated or deleted (only its state changes emit one), so neither does
 * Steward; those changes go to the audit trail as {@code prefect.flow-run.updated} / {@code .deleted}.
 */
@ApplicationScoped
public class FlowRunService {
    @Inject
    FlowRunStore flowRuns;

    @Inject
    TaskRunService taskRuns;

    @Inject
    FlowRunInputs inputs;

    @Inject
    Event<RunEvent> events;

    @Inject
    AuditTrail audit;

    @Inject
    Event<FlowRunsDeleted> deletions;

    @Inject
    Instance<DeploymentSlots> deploymentSlots;

    @Inject
    WorkQueues workQueues;

    /** The created (or, for a known idempotency key, existing) run's document. */
    public record Created(String run, boolean created) {}

    /** Prefect's OrchestrationResult and whether a new state was written (201) or not (200). */
    public record Orchestrated(JsonObject result, boolean newState) {}

    @Transactional
    public Created create(Body body) {
        return create(body, JsonValue.EMPTY_JSON_OBJECT, true);
    }

    /**
     * A run as {@link #create(Body)} makes it, with the fields that only the server sets for a run of a deployment
     * (deployment_version, work_queue_id, work_pool_id, auto_scheduled, created_by, ...) put over the document's.
     * Runs the scheduler makes emit no state event, as in Prefect (they are inserted, not orchestrated).
     */
    @Transactional
    public Created create(Body body, JsonObject serverFields, boolean emitEvent) {
        body.rejectUnknown(FlowRunDocument.CREATE_FIELDS);
        UUID ws = workspaceId();
        UUID flowId = body.requiredUuid("flow_id");
        if (flowRuns.flowName(ws, flowId).isEmpty()) throw new NotFound("Flow not found");
        FlowRunDocument.checkKeptAsSent(body);
        // a run created for a pool goes to the named queue or the pool's default one (an unknown one is a 404)
        WorkQueues.Resolved queue = body.optionalString("work_pool_name")
                .map(pool -> workQueues.lookup(pool, body.optionalString("work_queue_name").orElse(null))).orElse(null);
        String idempotencyKey = body.optionalString("idempotency_key")
                .map(k -> RunJson.checkName(k, "idempotency_key")).orElse(null);
        UUID id = UUID.randomUUID();
        JsonObjectBuilder doc = Json.createObjectBuilder(FlowRunDocument.created(body, id, flowId, queue, Instant.now()));
        serverFields.forEach(doc::add);
        JsonObject run = doc.build();
        JsonObject state = run.getJsonObject("state");
        if (!flowRuns.insert(ws, run, state)) {
            // the flow has a run with this idempotency key (made before, or by a concurrent request): answer with it
            return new Created(flowRuns.findByIdempotencyKey(ws, flowId, idempotencyKey).orElse(null), false);
        }
        if (emitEvent) emitStateEvent(run, flowRuns.withRelated(ws, id).orElseThrow().related(), null, state);
        return new Created(run.toString(), true);
    }

    /** The run's document. */
    @Transactional
    public String get(UUID id) {
        return flowRuns.find(workspaceId(), id).orElseThrow(FlowRunService::notFound);
    }

    /** Proposes a state: the rules decide, an accepted state is stored with the run's timing brought up to date. */
    @Transactional
    public Orchestrated setState(UUID id, Body body) {
        body.rejectUnknown(List.of("state", "force"));
        if (!body.has("state")) throw InvalidInput.missing("state");
        boolean force = body.json().get("force") == JsonValue.TRUE;
        UUID ws = workspaceId();
        FlowRunStore.RunWithRelated run = flowRuns.lock(ws, id).orElseThrow(FlowRunService::notFound);
        Instant now = Instant.now();
        JsonObject doc = Json.parseObject(run.body());
        JsonObject current = doc.get("state") instanceof JsonObject s ? s : null;
        JsonObject proposed = RunJson.newState(body.object("state"), "state", id, null, now);
        Slots slots = new Slots(deploymentSlots.isResolvable() ? deploymentSlots.get() : null);
        FlowRunRules.Decision decision = FlowRunRules.decide(current, proposed, force, now, doc, slots.gate());
        slots.keepOnly(decision.state());
        if (decision.state() == null) {
            return new Orchestrated(decision.result(current), false);
        }
        JsonObject accepted = decision.state();
        UUID released = FlowRunRules.slotToRelease(current, accepted);
        if (released != null) slots.gate().release(released);
        JsonObject updated = decision.run();
        flowRuns.update(ws, updated, accepted);
        if (updated.get("parent_task_run_id") instanceof JsonString parent) {
            taskRuns.mirrorSubflowState(ws, UUID.fromString(parent.getString()), id, accepted, now);
        }
        emitStateEvent(updated, run.related(), current, accepted);
        return new Orchestrated(decision.result(accepted), true);
    }

    /**
     * The deployment slots one proposal takes: a slot taken for a proposal that later rules turned into another
     * state is given back at once (Prefect's cleanup of SecureFlowConcurrencySlots).
     */
    private static final class Slots implements DeploymentSlots {
        private final DeploymentSlots slots;
        private UUID taken;

        Slots(DeploymentSlots slots) {
            this.slots = slots;
        }

        DeploymentSlots gate() {
            return slots == null ? null : this;
        }

        public Answer secure(UUID deploymentId) {
            Answer answer = slots.secure(deploymentId);
            taken = answer.leaseId();
            return answer;
        }

        public void release(UUID leaseId) {
            slots.release(leaseId);
        }

        public double slotWaitSeconds() {
            return slots.slotWaitSeconds();
        }

        void keepOnly(JsonObject written) {
            if (taken == null) return;
            JsonValue kept = written == null ? JsonValue.NULL
                    : written.getJsonObject("state_details").getOrDefault("deployment_concurrency_lease_id", JsonValue.NULL);
            if (!(kept instanceof JsonString s) || !s.getString().equals(taken.toString())) slots.release(taken);
        }
    }

    /**
     * {@code POST /flow_runs/{id}/resume}: a PAUSED run is proposed RUNNING (a blocking, in-process pause: the paused
     * client polls until it sees it) or, after a reschedule pause (suspend), SCHEDULED "Resuming"; the flow rules
     * decide, as for set_state. A pause that waits for input (run_input_keyset) takes only a run_input that fits the
     * schema the paused client stored as a flow-run input; once the run resumes, the input is stored under the
     * keyset's response key for the client to read. Without a keyset, run_input is ignored, as in Prefect.
     */
    @Transactional
    public Orchestrated resume(UUID id, Body body) {
        JsonValue runInput = body.json().getOrDefault("run_input", JsonValue.NULL);
        if (runInput != JsonValue.NULL && !(runInput instanceof JsonObject)) {
            throw InvalidInput.field("run_input", "Input should be a valid dictionary");
        }
        JsonObject doc = locked(id);
        JsonObject state = doc.get("state") instanceof JsonObject s ? s : null;
        if (state == null || !"PAUSED".equals(state.getString("type"))) {
            return new Orchestrated(Json.createObjectBuilder().add("state", JsonValue.NULL).add("status", "ABORT")
                    .add("details", Json.createObjectBuilder().add("type", "abort_details")
                            .add("reason", "Cannot resume a flow run that is not paused.")).build(), false);
        }
        JsonObject details = state.getJsonObject("state_details");
        JsonObject keyset = details.get("run_input_keyset") instanceof JsonObject k ? k : null;
        JsonObject input = runInput instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        if (keyset != null) {
            String refusal = inputRefusal(id, keyset, input);
            if (refusal != null) {
                // Prefect answers these REJECTs with abort_details, and so does Steward
                return new Orchestrated(Json.createObjectBuilder().add("state", state).add("status", "REJECT")
                        .add("details", Json.createObjectBuilder().add("type", "abort_details")
                                .add("reason", refusal)).build(), false);
            }
        }
        String proposal = details.get("pause_reschedule") == JsonValue.TRUE
                ? "{\"type\":\"SCHEDULED\",\"name\":\"Resuming\",\"state_details\":{\"scheduled_time\":\"" + Instant.now() + "\"}}"
                : "{\"type\":\"RUNNING\"}";
        Orchestrated result = setState(id, Body.parse("{\"state\":" + proposal + "}"));
        if (keyset != null && !input.isEmpty() && "ACCEPT".equals(result.result().getString("status"))
                && keyset.get("response") instanceof JsonString response) {
            // the answer the paused flow reads back once it runs again, stored with the state that resumed it
            inputs.store(workspaceId(), id, response.getString(), input.toString(), null);
        }
        return result;
    }

    /**
     * Why a run paused for input cannot be resumed with this input, or null: Prefect's reasons (no schema stored
     * under the keyset's schema key, a schema that is not JSON, an input that does not fit it). Values are taken as
     * given: Prefect's hydration of {"__prefect_kind": ...} placeholders (Jinja, workspace variables) is not done.
     */
    private String inputRefusal(UUID id, JsonObject keyset, JsonObject input) {
        if (!(keyset.get("schema") instanceof JsonString schemaKey)) return "Run input schema not found.";
        Optional<FlowRunInputs.Input> stored = inputs.find(workspaceId(), id, schemaKey.getString());
        if (stored.isEmpty()) return "Run input schema not found.";
        JsonObject schema;
        try {
            schema = Json.parseObject(stored.get().value());
        } catch (RuntimeException e) {
            return "Run input schema is not valid JSON.";
        }
        try {
            ParameterSchema.validate(input, schema, false);
            return null;
        } catch (ParameterSchema.Invalid e) {
            return "Reason: " + e.getMessage();
        }
    }

    /** {@code PATCH /flow_runs/{id}}: the fields of {@link FlowRunDocument#UPDATE_FIELDS} present in the body replace the old ones. */
    @Transactional
    public void update(UUID id, Body body) {
        Map<String, JsonValue> changes = FlowRunDocument.changes(body);
        JsonObject doc = locked(id);
        if (changes.isEmpty()) return;
        if (changes.getOrDefault("job_variables", JsonValue.NULL) != JsonValue.NULL) FlowRunDocument.checkJobVariables(doc);
        Instant now = Instant.now();
        JsonObjectBuilder updated = Json.createObjectBuilder(doc).add("updated", now.toString());
        JsonObjectBuilder before = Json.createObjectBuilder();
        changes.forEach((field, value) -> {
            before.add(field, doc.getOrDefault(field, JsonValue.NULL));
            updated.add(field, value);
        });
        store(updated.build());
        audit.record(workspaceId(), now, "prefect.flow-run.updated", "prefect.flow-run." + id, before.build(),
                Json.createObjectBuilder(changes).build());
    }

    /** {@code PATCH /flow_runs/{id}/labels}: the given labels are merged into the run's, replacing same keys. */
    @Transactional
    public void updateLabels(UUID id, JsonObject labels) {
        JsonObject doc = locked(id);
        if (labels.isEmpty()) return;
        JsonObject current = doc.get("labels") instanceof JsonObject l ? l : JsonValue.EMPTY_JSON_OBJECT;
        JsonObjectBuilder merged = Json.createObjectBuilder(current);
        labels.forEach(merged::add);
        Instant now = Instant.now();
        JsonObject after = merged.build();
        store(Json.createObjectBuilder(doc).add("labels", after).add("updated", now.toString()).build());
        audit.record(workspaceId(), now, "prefect.flow-run.updated", "prefect.flow-run." + id,
                Json.createObjectBuilder().add("labels", current).build(),
                Json.createObjectBuilder().add("labels", after).build());
    }

    /**
     * {@code DELETE /flow_runs/{id}}: the run with its states, its task runs with theirs, and its logs, in one
     * transaction (Prefect cascades the first three and removes the logs in a background job afterwards). Subflow
     * runs stay, without their parent task run (Prefect's ON DELETE SET NULL). Observers of {@link FlowRunsDeleted}
     * (artifacts) delete what they keep of the run in this transaction.
     */
    @Transactional
    public void delete(UUID id) {
        JsonObject doc = locked(id);
        UUID ws = workspaceId();
        FlowRunStore.Deleted deleted = flowRuns.delete(ws, id);
        deletions.fire(new FlowRunsDeleted(ws, List.of(id)));
        JsonObjectBuilder before = FlowRunDocument.deleted(doc);
        before.add("task_runs_deleted", deleted.taskRuns()).add("logs_deleted", deleted.logs());
        audit.record(ws, Instant.now(), "prefect.flow-run.deleted", "prefect.flow-run." + id,
                before.build(), JsonValue.NULL);
    }

    /** The run's document, its row locked until the transaction ends. */
    private JsonObject locked(UUID id) {
        return Json.parseObject(flowRuns.lock(workspaceId(), id).orElseThrow(FlowRunService::notFound).body());
    }

    private void store(JsonObject doc) {
        flowRuns.update(workspaceId(), doc);
    }

    private UUID workspaceId() {
        return TenantScope.workspaceId();
    }

    /**
     * Prefect's prefect.flow-run.&lt;State name&gt; event, as InstrumentFlowRunStateTransitions emits it, related to the
     * run's flow, work queue and pool, parent task run and tags (a worker finds its runs' Cancelling events by the
     * pool). The deployment is not among them yet: it comes with the deployments.
     */
    private void emitStateEvent(JsonObject run, JsonArray related, JsonObject from, JsonObject to) {
        JsonObjectBuilder resource = Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.flow-run." + run.getString("id"))
                .add("prefect.resource.name", run.getString("name"))
                .add("prefect.run-count", String.valueOf(run.getInt("run_count", 0)))
                .add("prefect.state-message", to.get("message") instanceof JsonString m ? m.getString() : "")
                .add("prefect.state-name", to.getString("name"))
                .add("prefect.state-timestamp", to.getString("timestamp"))
                .add("prefect.state-type", to.getString("type"));
        JsonObject payload = Json.createObjectBuilder()
                .add("intended", Json.createObjectBuilder()
                        .add("from", from == null ? JsonValue.NULL : Json.createValue(from.getString("type")))
                        .add("to", to.getString("type")))
                .add("initial_state", from == null ? JsonValue.NULL : summary(from))
                .add("validated_state", summary(to))
                .build();
        events.fire(new RunEvent(workspaceId(), UUID.fromString(to.getString("id")),
                RunJson.instant(to, "timestamp"), "prefect.flow-run." + to.getString("name"), resource.build(), related,
                payload, null));
    }

    private static JsonObject summary(JsonObject state) {
        return Json.createObjectBuilder()
                .add("type", state.getString("type")).add("name", state.getString("name"))
                .add("message", state.getOrDefault("message", JsonValue.NULL))
                .add("state_details", state.getJsonObject("state_details"))
                .build();
    }

    static Problem notFound() {
        return new NotFound("Flow run not found");
    }

    static double number(JsonObject o, String key) {
        return o.get(key) instanceof JsonNumber n ? n.doubleValue() : 0.0;
    }
}
