package dev.steward.automations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workspace's event triggers by the event names they count, so that an event is tested only against the triggers
 * that may count it (Prefect indexes its triggers the same way): a trigger whose {@code expect} and {@code after}
 * names are plain is found by the event's name in a map; one with a wildcard or a negation is tested against every
 * event; one with no {@code expect} counts every name. An event a trigger only covers by prefix (Prefect's
 * {@code covers} tests names from their start) changes no bucket, as {@code expects} and {@code startsAfter} match
 * whole names, so the map need not hold prefixes.
 */
final class TriggerIndex {
    /** An event trigger and the automation it belongs to. */
    record Entry(Armed automation, EventTrigger trigger) {}

    private final Map<String, List<Entry>> byName = new HashMap<>();
    private final List<Entry> everyName = new ArrayList<>();

    TriggerIndex(List<Armed> automations) {
        for (Armed automation : automations) {
            for (EventTrigger trigger : automation.eventTriggers()) {
                Entry entry = new Entry(automation, trigger);
                Set<String> names = new LinkedHashSet<>(trigger.expect());
                names.addAll(trigger.after());
                if (trigger.expect().isEmpty() || names.stream().anyMatch(TriggerIndex::isPattern)) {
                    everyName.add(entry);
                } else {
                    for (String name : names) byName.computeIfAbsent(name, k -> new ArrayList<>()).add(entry);
                }
            }
        }
    }

    /** The triggers that may count an event of this name, each once, in the order of their automations. */
    List<Entry> candidates(String eventName) {
        List<Entry> named = byName.getOrDefault(eventName, List.of());
        if (everyName.isEmpty()) return named;
        if (named.isEmpty()) return everyName;
        Map<Entry, Boolean> seen = new IdentityHashMap<>();
        List<Entry> out = new ArrayList<>();
        for (List<Entry> list : List.of(named, everyName)) {
            for (Entry e : list) if (seen.put(e, Boolean.TRUE) == null) out.add(e);
        }
        return out;
    }

    /** The plain names some trigger counts (for the event query), or null when some trigger may count any name. */
    Set<String> plainNames() {
        return everyName.isEmpty() ? byName.keySet() : null;
    }

    static boolean isPattern(String name) {
        return name.startsWith("!") || name.contains("*") || name.contains("?") || name.contains("[");
    }
}
