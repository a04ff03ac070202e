package dev.steward.automations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An enabled automation as the evaluator holds it: its trigger tree read once, its event and metric triggers, and
 * each child trigger's parent, so that a firing knows whether it acts or feeds a compound or sequence trigger.
 */
record Armed(UUID id, UUID workspaceId, String name, Trigger trigger, List<Action> actions,
             List<Action> actionsOnTrigger, List<Action> actionsOnResolve, List<EventTrigger> eventTriggers,
             List<MetricTrigger> metricTriggers, Map<UUID, Trigger> parents) {

    static Armed of(UUID id, UUID workspaceId, String name, Trigger trigger, List<Action> actions,
                    List<Action> actionsOnTrigger, List<Action> actionsOnResolve) {
        List<EventTrigger> events = new ArrayList<>();
        List<MetricTrigger> metrics = new ArrayList<>();
        Map<UUID, Trigger> parents = new HashMap<>();
        for (Trigger t : trigger.all()) {
            if (t instanceof EventTrigger e) events.add(e);
            if (t instanceof MetricTrigger m) metrics.add(m);
            for (Trigger child : children(t)) parents.put(child.id(), t);
        }
        return new Armed(id, workspaceId, name, trigger, List.copyOf(actions), List.copyOf(actionsOnTrigger),
                List.copyOf(actionsOnResolve), List.copyOf(events), List.copyOf(metrics), Map.copyOf(parents));
    }

    /** The compound or sequence trigger a child belongs to; null for the automation's own trigger. */
    Trigger parentOf(Trigger t) {
        return parents.get(t.id());
    }

    static List<Trigger> children(Trigger t) {
        if (t instanceof CompoundTrigger c) return c.triggers();
        if (t instanceof SequenceTrigger s) return s.triggers();
        return List.of();
    }
}
