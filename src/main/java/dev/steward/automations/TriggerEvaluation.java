package dev.steward.automations;

import dev.steward.automations.TriggerState.Bucket;
import dev.steward.orchestration.FlowRunStore;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Prefect's trigger semantics (server/events/triggers.py) over a {@link TriggerState}: the evaluator's rows inside
 * one of its transactions, or a backtest's memory. A reactive trigger counts matching events in a window per for_each key and fires as soon as the count
 * reaches its threshold (then waits out the window); a proactive one fires when a window closes with fewer events
 * than its threshold. Windows compare the events' {@code occurred} times; proactive deadlines compare the clock. A
 * metric trigger measures the workspace's recent runs and fires when its metric has breached for long enough.
 * A firing of a compound or sequence trigger's child feeds its parent; a firing of the automation's own trigger is
 * handed to {@link Fired} ({@link Firings} records it and its actions).
 */
final class TriggerEvaluation {
    private static final Logger LOG = Logger.getLogger(TriggerEvaluation.class.getName());
    /** How far before a key's first event its first window opens (Prefect's PRECEDING_EVENT_LOOKBACK). */
    static final Duration LOOKBACK = Duration.ofMinutes(15);

    /** Where a firing of an automation's own trigger goes: Triggered, or Resolved (a metric trigger's). */
    interface Fired {
        void act(Armed automation, Firing firing, boolean resolved) throws SQLException;
    }

    private final TriggerState store;
    private final Fired firings;
    private final Supplier<Instant> clock;

    TriggerEvaluation(TriggerState store, Fired firings, Supplier<Instant> clock) {
        this.store = store;
        this.firings = firings;
        this.clock = clock;
    }

    /** An event against each of the automation's event triggers that covers it; logs never trigger, as in Prefect. */
    void event(Armed automation, JsonObject event) throws SQLException {
        if (event.getString("event").equals("prefect.log.write")) return;
        for (EventTrigger trigger : automation.eventTriggers()) {
            if (trigger.covers(event)) reactive(automation, trigger, event);
        }
    }

    /** The automation's proactive triggers checked at {@code now}. */
    void deadlines(Armed automation, Instant now) throws SQLException {
        for (EventTrigger trigger : automation.eventTriggers()) {
            if (trigger.posture() == Posture.Proactive) proactive(automation, trigger, now);
        }
    }

    /** One committed event against one of an automation's event triggers that covers it. */
    void reactive(Armed automation, EventTrigger trigger, JsonObject event) throws SQLException {
        String name = event.getString("event");
        Instant occurred = Instant.parse(event.getString("occurred"));
        String key = key(trigger, event);
        Bucket bucket = null;
        if (!trigger.after().isEmpty() && trigger.startsAfter(name)) {
            // the same event may open the window and be expected in it: it does not count itself
            bucket = store.ensureBucket(automation.workspaceId(), automation.id(), trigger.id(), key, occurred,
                    occurred.plus(trigger.within()), event, trigger.expects(name) ? -1 : 0);
        }
        if (bucket == null && trigger.after().isEmpty() && trigger.expects(name)) {
            bucket = store.ensureBucket(automation.workspaceId(), automation.id(), trigger.id(), key,
                    occurred.minus(LOOKBACK), occurred.plus(trigger.within()), event, 0);
        }
        if (!trigger.expects(name)) return;
        if (bucket == null) bucket = store.readBucket(automation.id(), trigger.id(), key);
        if (bucket == null) return;
        evaluate(automation, trigger, bucket, occurred, event);
    }

    /** A proactive trigger's check at {@code now}: its closed windows with too few events fire. */
    void proactive(Armed automation, EventTrigger trigger, Instant now) throws SQLException {
        if (trigger.forEach().isEmpty()) {
            store.ensureBucket(automation.workspaceId(), automation.id(), trigger.id(), key(trigger, null), now,
                    now.plus(trigger.within()), null, 0);
        }
        store.removeBucketsAtThreshold(automation.id(), trigger.id(), trigger.threshold());
        for (Bucket bucket : store.closedBuckets(List.of(trigger.id()), now)) {
            evaluate(automation, trigger, bucket, now, null);
        }
    }

    /** Runs a metric reads per query, newest first, to select its own from. */
    static final int METRIC_PAGE = 5_000;
    /**
     * The most runs of its range a metric reads each time it is measured (whether it selects them or not): a range
     * with more is measured over the runs it selects among the newest this many, and a warning says so once.
     */
    static final int METRIC_RUNS = 50_000;
    private static final Set<UUID> WARNED = ConcurrentHashMap.newKeySet();

    /**
     * A metric trigger's measure at {@code now}, at most once every {@code every}: the metric over the runs it
     * selects in its range; when it has breached (or, triggered, stopped breaching) continuously for
     * {@code firing_for}, the trigger fires Triggered (or Resolved). No runs to measure changes nothing.
     */
    void metric(Armed automation, MetricTrigger trigger, Instant now, Duration every) throws SQLException {
        TriggerState.MetricState state = store.metricState(automation.id(), trigger.id());
        if (state != null && now.isBefore(state.measuredAt().plus(every))) return;
        Instant since = now.minus(trigger.metric().range());
        List<FlowRunStore.Measured> runs = new ArrayList<>();
        FlowRunStore.Measured last = null;
        List<FlowRunStore.RelatedTo> required = trigger.relatedInSql();
        for (int read = 0; ; ) {
            List<FlowRunStore.Measured> page = store.measuredRuns(automation.workspaceId(), since, now, required,
                    last, METRIC_PAGE);
            for (FlowRunStore.Measured run : page) {
                if (trigger.selects(run.resource(), jsonObjects(run.related()))) runs.add(run);
            }
            read += page.size();
            if (page.size() < METRIC_PAGE) break;
            if (read >= METRIC_RUNS) {
                if (WARNED.add(trigger.id())) {
                    LOG.warning("The metric trigger " + trigger.id() + " of automation " + automation.id() + " has "
                            + "more than " + METRIC_RUNS + " runs in its range: it is measured over the runs it "
                            + "selects among the newest " + METRIC_RUNS);
                }
                break;
            }
            last = page.get(page.size() - 1);
        }
        Double value = RunMetrics.measure(trigger.metric().name(), runs, since, now);
        boolean triggered = state != null && state.triggered();
        Instant changingSince = state == null ? null : state.changingSince();
        if (value != null) {
            if (trigger.metric().breaches(value) == triggered) {
                changingSince = null; // as it is: nothing is changing
            } else {
                if (changingSince == null) changingSince = now;
                if (!now.isBefore(changingSince.plus(trigger.metric().firingFor()))) {
                    Firing firing = Firing.measured(trigger, clock.get(), value);
                    if (triggered) {
                        if (automation.parentOf(trigger) == null) firings.act(automation, firing, true);
                    } else {
                        fire(automation, trigger, firing);
                    }
                    triggered = !triggered;
                    changingSince = null;
                }
            }
        }
        store.saveMetricState(automation.workspaceId(), automation.id(), trigger.id(),
                new TriggerState.MetricState(triggered, changingSince, value, now));
    }

    private static List<JsonObject> jsonObjects(jakarta.json.JsonArray array) {
        List<JsonObject> out = new ArrayList<>(array.size());
        array.forEach(v -> out.add(v.asJsonObject()));
        return out;
    }

    /**
     * Prefect's evaluate: spends the event's count in the open window (or none for a proactive check), fires when
     * the trigger is ready and its threshold met, and opens the next window when this one is over.
     */
    private Bucket evaluate(Armed automation, EventTrigger trigger, Bucket bucket, Instant now, JsonObject event)
            throws SQLException {
        int count = event != null ? 1 : 0;
        if (now.isBefore(bucket.start())) return bucket; // late, or already fired for this window
        JsonObject previousLast = bucket.lastEvent();
        if (count > 0 && (trigger.immediate() || (!now.isBefore(bucket.start()) && now.isBefore(bucket.end())))) {
            bucket = store.increment(bucket, count, event);
            count = 0;
        }
        boolean readyToFire = trigger.posture() == Posture.Reactive || !bucket.end().isAfter(now);
        boolean meetsThreshold = trigger.meetsThreshold(bucket.count());
        if (readyToFire && meetsThreshold) {
            fire(automation, trigger, Firing.of(trigger, clock.get(), labels(trigger, bucket.key()),
                    event != null ? event : bucket.lastEvent(), List.of()));
            store.removeBucket(bucket);
        } else if (now.isBefore(bucket.end())) {
            String name = event == null ? null : event.getString("event");
            // a proactive trigger whose event both opens and is expected (a heartbeat) re-arms its window
            if (event != null && trigger.posture() == Posture.Proactive && !meetsThreshold
                    && trigger.startsAfter(name) && trigger.expects(name)) {
                store.removeBucket(bucket);
                Instant occurred = Instant.parse(event.getString("occurred"));
                JsonObject last = event;
                if (previousLast != null && trigger.expects(previousLast.getString("event"))
                        && !trigger.startsAfter(previousLast.getString("event"))
                        && !Instant.parse(previousLast.getString("occurred")).isBefore(occurred)) {
                    last = previousLast;
                }
                return store.startNewBucket(automation.workspaceId(), automation.id(), trigger.id(), bucket.key(),
                        occurred, occurred.plus(trigger.within()), 0, last);
            }
            return bucket;
        }
        if (!trigger.after().isEmpty()) {
            store.removeBucket(bucket);
            return null;
        }
        if (trigger.within().isZero()) return null;
        Instant start = bucket.end().isAfter(now) ? bucket.end() : now;
        Instant end = start.plus(trigger.within());
        if (trigger.posture() == Posture.Reactive && count > 0) {
            // the event fell after the window: it may fire the next one
            Bucket next = store.startNewBucket(automation.workspaceId(), automation.id(), trigger.id(), bucket.key(),
                    start, end, 0, null);
            return evaluate(automation, trigger, next, now, event);
        }
        return store.startNewBucket(automation.workspaceId(), automation.id(), trigger.id(), bucket.key(), start, end,
                count, null);
    }

    /** A trigger's firing: the automation acts, or the compound or sequence trigger above it takes note. */
    private void fire(Armed automation, Trigger trigger, Firing firing) throws SQLException {
        Trigger parent = automation.parentOf(trigger);
        if (parent == null) {
            firings.act(automation, firing, false);
            return;
        }
        List<Trigger> children = Armed.children(parent);
        int expected = parent instanceof CompoundTrigger c ? c.expectedFirings() : children.size();
        if (expected == 1) {
            fire(automation, parent, Firing.of(parent, clock.get(), Map.of(), firing.triggeringEvent(),
                    List.of(firing)));
            return;
        }
        Duration within = parent instanceof CompoundTrigger c ? c.within() : ((SequenceTrigger) parent).within();
        if (within != null) {
            store.clearChildFiringsBefore(automation.id(), parent.id(), firing.triggered().minus(within));
        }
        store.upsertChildFiring(automation.workspaceId(), automation.id(), parent.id(), firing);
        List<Firing> recorded = store.childFirings(automation.id(), parent.id());
        if (recorded.stream().noneMatch(f -> f.id().equals(firing.id()))) return;
        boolean ready = parent instanceof CompoundTrigger
                ? recorded.size() >= expected
                : recorded.stream().map(Firing::triggerId).toList()
                        .equals(children.stream().map(Trigger::id).toList());
        if (!ready) return;
        store.clearChildFirings(automation.id(), parent.id());
        fire(automation, parent, Firing.of(parent, clock.get(), Map.of(), firing.triggeringEvent(), recorded));
    }

    /** The bucketing key as stored: the for_each values in sorted label order, as a JSON array. */
    static String key(EventTrigger trigger, JsonObject event) {
        return Json.strings(event == null ? List.of() : trigger.bucketingKey(event)).toString();
    }

    private static Map<String, String> labels(EventTrigger trigger, String key) {
        List<String> names = new ArrayList<>(trigger.forEach());
        names.sort(null);
        List<String> values = new ArrayList<>();
        Json.parse(key).asJsonArray().forEach(v -> values.add(((jakarta.json.JsonString) v).getString()));
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < values.size(); i++) labels.put(names.get(i), values.get(i));
        return labels;
    }
}
