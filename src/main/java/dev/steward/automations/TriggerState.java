package dev.steward.automations;

import dev.steward.orchestration.FlowRunStore;
import jakarta.json.JsonObject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * What trigger evaluation keeps between events: the event triggers' buckets (Prefect's automation_bucket), the
 * composite triggers' child firings and the metric triggers' states, and the runs a metric measures. {@link EvaluationStore} keeps them as rows of the evaluator's transaction;
 * {@link MemoryTriggerState} keeps them in memory for a backtest. {@link TriggerEvaluation} runs unchanged on both,
 * so the two must answer every operation alike (their test replays the same events on both).
 */
interface TriggerState {
    /** An event trigger's window for one bucketing key. */
    record Bucket(UUID automationId, UUID triggerId, String key, Instant start, Instant end, int count,
                  JsonObject lastEvent) {}

    /** Prefect's ensure_bucket: the key's bucket, created with these values if there is none (left as it is if so). */
    Bucket ensureBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start, Instant end,
                        JsonObject lastEvent, int initialCount) throws SQLException;

    /** Prefect's start_new_bucket: the key's bucket replaced by a new window. */
    Bucket startNewBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start, Instant end,
                          int count, JsonObject lastEvent) throws SQLException;

    /** The key's bucket, or null. */
    Bucket readBucket(UUID automationId, UUID triggerId, String key) throws SQLException;

    /** Adds to the bucket's count; the event (when not null) becomes its last. Null when the bucket is gone. */
    Bucket increment(Bucket b, int count, JsonObject event) throws SQLException;

    void removeBucket(Bucket b) throws SQLException;

    /** Proactive triggers' buckets that reached their threshold: they can no longer fire (Prefect deletes them). */
    void removeBucketsAtThreshold(UUID automationId, UUID triggerId, int threshold) throws SQLException;

    /** The buckets of these triggers whose windows have closed by {@code now}, earliest end first, at most 500. */
    List<Bucket> closedBuckets(Collection<UUID> triggerIds, Instant now) throws SQLException;

    /** Prefect's composite_trigger_child_firing: the child's latest firing replaces its earlier one. */
    void upsertChildFiring(UUID workspaceId, UUID automationId, UUID parentId, Firing child) throws SQLException;

    void clearChildFiringsBefore(UUID automationId, UUID parentId, Instant before) throws SQLException;

    /** The children's latest firings, oldest first (ties by the child trigger's id, as PostgreSQL orders uuids). */
    List<Firing> childFirings(UUID automationId, UUID parentId) throws SQLException;

    void clearChildFirings(UUID automationId, UUID parentId) throws SQLException;

    /** A metric trigger's state (see automation_metric_state). */
    record MetricState(boolean triggered, Instant changingSince, Double lastValue, Instant measuredAt) {}

    /** The metric trigger's state, or null before its first measure. */
    MetricState metricState(UUID automationId, UUID triggerId) throws SQLException;

    void saveMetricState(UUID workspaceId, UUID automationId, UUID triggerId, MetricState state) throws SQLException;

    /**
     * A page of the workspace's runs a metric over {@code [since, now]} measures, related as {@code required} says,
     * after the previous page's last run (null: the first page); the orchestration store's read.
     */
    List<FlowRunStore.Measured> measuredRuns(UUID workspaceId, Instant since, Instant now,
                                             List<FlowRunStore.RelatedTo> required, FlowRunStore.Measured after,
                                             int limit) throws SQLException;
}
