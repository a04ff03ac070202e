package dev.steward.orchestration;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** {@link TaskRunRules.Lookups} in the request's transaction: one query each, made only when a rule asks. */
final class TaskRunLookups implements TaskRunRules.Lookups {
    private final TaskRunStore taskRuns;
    private final FlowRunStore flowRuns;
    private final UUID workspace;
    private final UUID flowRunId;

    TaskRunLookups(TaskRunStore taskRuns, FlowRunStore flowRuns, UUID workspace, UUID flowRunId) {
        this.taskRuns = taskRuns;
        this.flowRuns = flowRuns;
        this.workspace = workspace;
        this.flowRunId = flowRunId;
    }

    @Override
    public JsonObject cachedState(String cacheKey, Instant now) {
        return taskRuns.cachedState(workspace, cacheKey, now);
    }

    @Override
    public TaskRunRules.FlowRunView flowRun() {
        return flowRunId == null ? null : flowRuns.ruleView(workspace, flowRunId);
    }

    /** CacheInsertion's write, after the state's row (it refers to it). */
    void cache(JsonObject state, Instant now) {
        taskRuns.cache(workspace, state, now);
    }
}
