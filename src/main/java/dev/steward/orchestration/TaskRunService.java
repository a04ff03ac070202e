package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Task runs the client creates over HTTP (subflow placeholders, deferred tasks) and their server-orchestrated state
 * changes; task runs from events are written by {@link TaskRunRecorder}. Creation is idempotent on
 * (flow run, task_key, dynamic_key), as in Prefect.
 */
@ApplicationScoped
public class TaskRunService {
    @Inject
    TaskRunStore taskRuns;

    @Inject
    FlowRunStore flowRuns;

    /** The created (or, for known keys, existing) task run's document. */
    public record Created(String run, boolean created) {}

    @Transactional
    public Created create(Body body) {
        body.rejectUnknown(TaskRunDocument.CREATE_FIELDS);
        String taskKey = body.requiredString("task_key");
        String dynamicKey = body.requiredString("dynamic_key");
        UUID flowRunId = body.optionalUuid("flow_run_id").orElse(null);
        UUID ws = TenantScope.workspaceId();
        if (flowRunId != null && flowRuns.find(ws, flowRunId).isEmpty()) throw new NotFound("Flow run not found");
        Optional<String> existing = taskRuns.findByKeys(ws, flowRunId, taskKey, dynamicKey);
        if (existing.isPresent()) return new Created(existing.get(), false);
        Instant now = Instant.now();
        UUID id = body.optionalUuid("id").orElse(UUID.randomUUID());
        JsonObject run = TaskRunDocument.created(body, id, flowRunId, taskKey, dynamicKey, now);
        taskRuns.insert(ws, run, run.getJsonObject("state"));
        return new Created(run.toString(), true);
    }

    /** Prefect's task-run rules ({@link TaskRunRules}); written states join the history. */
    @Transactional
    public FlowRunService.Orchestrated setState(UUID id, Body body) {
        body.rejectUnknown(List.of("state", "force"));
        if (!body.has("state")) throw InvalidInput.missing("state");
        boolean force = body.json().get("force") == JsonValue.TRUE;
        UUID ws = TenantScope.workspaceId();
        String locked = taskRuns.lock(ws, id).orElseThrow(() -> new NotFound("Task run not found"));
        Instant now = Instant.now();
        JsonObject doc = Json.parseObject(locked);
        JsonObject current = doc.get("state") instanceof JsonObject s ? s : null;
        UUID flowRunId = doc.get("flow_run_id") instanceof JsonString f ? UUID.fromString(f.getString()) : null;
        JsonObject proposed = RunJson.newState(body.object("state"), "state", flowRunId, id, now);
        TaskRunLookups lookups = new TaskRunLookups(taskRuns, flowRuns, ws, flowRunId);
        FlowRunRules.Decision decision = TaskRunRules.decide(current, proposed, force, now, doc, lookups);
        if (decision.state() == null) {
            return new FlowRunService.Orchestrated(decision.result(current), false);
        }
        JsonObject accepted = decision.state();
        taskRuns.update(ws, decision.run(), accepted);
        if (decision.cache()) lookups.cache(accepted, now);
        return new FlowRunService.Orchestrated(decision.result(accepted), true);
    }

    /**
     * A subflow's state, copied onto its placeholder task run in the parent flow run (Prefect's
     * UpdateSubflowParentTask): the parent sees the subflow running, completed or failed.
     */
    public void mirrorSubflowState(UUID workspace, UUID taskRunId, UUID childFlowRunId, JsonObject flowState, Instant now) {
        Optional<String> locked = taskRuns.lock(workspace, taskRunId);
        if (locked.isEmpty()) return;
        JsonObject doc = Json.parseObject(locked.get());
        JsonObject details = Json.createObjectBuilder(flowState.getJsonObject("state_details"))
                .add("task_run_id", taskRunId.toString())
                .add("flow_run_id", doc.getOrDefault("flow_run_id", JsonValue.NULL))
                .add("child_flow_run_id", childFlowRunId.toString())
                .build();
        JsonObject state = Json.createObjectBuilder(flowState)
                .add("id", UUID.randomUUID().toString())
                .add("state_details", details)
                .build();
        JsonObject current = doc.get("state") instanceof JsonObject s ? s : null;
        taskRuns.update(workspace, FlowRunRules.applyTiming(doc, current, state, now), state);
    }
}
