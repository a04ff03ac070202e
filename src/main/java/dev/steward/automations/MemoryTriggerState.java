package dev.steward.automations;

import dev.steward.orchestration.FlowRunStore;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link TriggerState} in memory, for one backtest: each operation answers as {@link EvaluationStore}'s SQL does
 * (an insert that clashes does nothing, an update of a missing bucket finds nothing, the same orders and limit).
 */
final class MemoryTriggerState implements TriggerState {
    private record BucketKey(UUID automationId, UUID triggerId, String key) {}

    private record ChildKey(UUID automationId, UUID parentId, UUID childId) {}

    /** PostgreSQL's order of uuids: their 16 bytes compared unsigned. */
    private static final Comparator<UUID> PG_UUID_ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private final Map<BucketKey, Bucket> buckets = new HashMap<>();
    private final Map<ChildKey, Firing> childFirings = new HashMap<>();

    @Override
    public Bucket ensureBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start,
                               Instant end, JsonObject lastEvent, int initialCount) {
        return buckets.computeIfAbsent(new BucketKey(automationId, triggerId, key),
                k -> new Bucket(automationId, triggerId, key, start, end, initialCount, lastEvent));
    }

    @Override
    public Bucket startNewBucket(UUID workspaceId, UUID automationId, UUID triggerId, String key, Instant start,
                                 Instant end, int count, JsonObject lastEvent) {
        Bucket b = new Bucket(automationId, triggerId, key, start, end, count, lastEvent);
        buckets.put(new BucketKey(automationId, triggerId, key), b);
        return b;
    }

    @Override
    public Bucket readBucket(UUID automationId, UUID triggerId, String key) {
        return buckets.get(new BucketKey(automationId, triggerId, key));
    }

    @Override
    public Bucket increment(Bucket b, int count, JsonObject event) {
        return buckets.computeIfPresent(keyOf(b), (k, old) -> new Bucket(old.automationId(), old.triggerId(),
                old.key(), old.start(), old.end(), old.count() + count, event != null ? event : old.lastEvent()));
    }

    @Override
    public void removeBucket(Bucket b) {
        buckets.remove(keyOf(b));
    }

    @Override
    public void removeBucketsAtThreshold(UUID automationId, UUID triggerId, int threshold) {
        buckets.values().removeIf(b -> b.automationId().equals(automationId) && b.triggerId().equals(triggerId)
                && b.count() >= threshold);
    }

    @Override
    public List<Bucket> closedBuckets(Collection<UUID> triggerIds, Instant now) {
        return buckets.values().stream()
                .filter(b -> triggerIds.contains(b.triggerId()) && !b.end().isAfter(now))
                .sorted(Comparator.comparing(Bucket::end))
                .limit(500)
                .toList();
    }

    @Override
    public void upsertChildFiring(UUID workspaceId, UUID automationId, UUID parentId, Firing child) {
        childFirings.put(new ChildKey(automationId, parentId, child.triggerId()), child);
    }

    @Override
    public void clearChildFiringsBefore(UUID automationId, UUID parentId, Instant before) {
        childFirings.entrySet().removeIf(e -> ofParent(e.getKey(), automationId, parentId)
                && e.getValue().triggered().isBefore(before));
    }

    @Override
    public List<Firing> childFirings(UUID automationId, UUID parentId) {
        List<Firing> out = new ArrayList<>();
        childFirings.forEach((k, f) -> {
            if (ofParent(k, automationId, parentId)) out.add(f);
        });
        out.sort(Comparator.comparing(Firing::triggered).thenComparing(Firing::triggerId, PG_UUID_ORDER));
        return out;
    }

    @Override
    public void clearChildFirings(UUID automationId, UUID parentId) {
        childFirings.keySet().removeIf(k -> ofParent(k, automationId, parentId));
    }

    private static BucketKey keyOf(Bucket b) {
        return new BucketKey(b.automationId(), b.triggerId(), b.key());
    }

    private static boolean ofParent(ChildKey k, UUID automationId, UUID parentId) {
        return k.automationId().equals(automationId) && k.parentId().equals(parentId);
    }

    /** A backtest replays events only: metric triggers, measured from the run tables, are not replayed. */
    @Override
    public MetricState metricState(UUID automationId, UUID triggerId) {
        return null;
    }

    @Override
    public void saveMetricState(UUID workspaceId, UUID automationId, UUID triggerId, MetricState state) {}

    @Override
    public List<FlowRunStore.Measured> measuredRuns(UUID workspaceId, Instant since, Instant now,
                                                    List<FlowRunStore.RelatedTo> required,
                                                    FlowRunStore.Measured after, int limit) {
        return List.of();
    }
}
