package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
        body.rejectUnknown(List.of("id", "name", "flow_run_id", "task_key", "dynamic_key", "cache_key",
                "cache_expiration", "task_version", "empirical_policy", "tags", "labels", "task_inputs", "state",
                "created", "updated"));
        String taskKey = body.requiredString("task_key");
        String dynamicKey = body.requiredString("dynamic_key");
        UUID flowRunId = body.optionalUuid("flow_run_id").orElse(null);
        UUID ws = TenantScope.workspaceId();
        if (flowRunId != null && flowRuns.find(ws, flowRunId).isEmpty()) throw new NotFound("Flow run not found");
        Optional<String> existing = taskRuns.findByKeys(ws, flowRunId, taskKey, dynamicKey);
        if (existing.isPresent()) return new Created(existing.get(), false);
        Instant now = Instant.now();
        UUID id = body.optionalUuid("id").orElse(UUID.randomUUID());
        Body stateBody = body.has("state") && !body.json().isNull("state") ? body.object("state")
                : Body.parse("{\"type\":\"PENDING\"}");
        JsonObject state = RunJson.newState(stateBody, "state", flowRunId, id, now);
        JsonObjectBuilder doc = Json.createObjectBuilder()
                .add("id", id.toString()).add("created", now.toString()).add("updated", now.toString())
                .add("name", RunJson.checkName(body.optionalString("name").orElse(taskKey), "name"))
                .add("flow_run_id", flowRunId == null ? JsonValue.NULL : Json.createValue(flowRunId.toString()))
                .add("task_key", taskKey).add("dynamic_key", dynamicKey)
                .add("cache_key", body.raw("cache_key")).add("cache_expiration", body.raw("cache_expiration"))
                .add("task_version", body.raw("task_version"))
                .add("empirical_policy", body.object("empirical_policy").json())
                .add("tags", Json.strings(body.optionalStrings("tags").orElse(List.of())))
                .add("labels", body.object("labels").json()).add("task_inputs", body.object("task_inputs").json())
                .add("state_id", state.getString("id")).add("state_type", state.getString("type"))
                .add("state_name", state.getString("name")).add("run_count", 0).add("flow_run_run_count", 0)
                .add("expected_start_time", now.toString()).add("next_scheduled_start_time", JsonValue.NULL)
                .add("start_time", JsonValue.NULL).add("end_time", JsonValue.NULL).add("total_run_time", 0.0)
                .add("estimated_run_time", 0.0).add("estimated_start_time_delta", 0.0).add("state", state);
        JsonObject run = doc.build();
        taskRuns.insert(ws, run, state);
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
    void mirrorSubflowState(UUID workspace, UUID taskRunId, UUID childFlowRunId, JsonObject flowState, Instant now) {
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
