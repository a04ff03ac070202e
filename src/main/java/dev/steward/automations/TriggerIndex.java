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
 *
 * <p>For the event query it also says which names matter to the workspace: its plain names, its patterns said as SQL
 * {@code LIKE} patterns, or any name (a trigger with no {@code expect}, or a pattern {@code LIKE} cannot say: a
 * negation or a character class). What it gives selects every event whose name a trigger's {@code expect} or
 * {@code after} matches, which are the only events that change a bucket.
 */
final class TriggerIndex {
    /** An event trigger and the automation it belongs to. */
    record Entry(Armed automation, EventTrigger trigger) {}

    private final Map<String, List<Entry>> byName = new HashMap<>();
    private final List<Entry> everyName = new ArrayList<>();
    private final Set<String> likePatterns = new LinkedHashSet<>();
    private boolean anyName;

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
                if (trigger.expect().isEmpty()) anyName = true;
                for (String name : names) {
                    if (!isPattern(name)) continue;
                    String like = like(name);
                    if (like == null) anyName = true; else likePatterns.add(like);
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

    /** Whether an event of any name may change a trigger's bucket: the event query reads all the workspace's events. */
    boolean anyName() {
        return anyName;
    }

    /** The plain names some trigger's {@code expect} or {@code after} holds, for the event query. */
    Set<String> plainNames() {
        return byName.keySet();
    }

    /** The other names of the triggers' {@code expect} and {@code after}, as SQL {@code LIKE} patterns. */
    Set<String> likePatterns() {
        return likePatterns;
    }

    /**
     * A pattern of Prefect's {@code matches} as a SQL {@code LIKE} pattern (escaped with a backslash) that matches the
     * same names: {@code *} any run of characters, {@code ?} one; null for one {@code LIKE} cannot say (a negation,
     * or a character class).
     */
    static String like(String pattern) {
        if (pattern.startsWith("!") || pattern.contains("[")) return null;
        StringBuilder like = new StringBuilder();
        pattern.codePoints().forEach(c -> {
            switch (c) {
                case '*' -> like.append('%');
                case '?' -> like.append('_');
                case '%', '_', '\\' -> like.append('\\').appendCodePoint(c);
                default -> like.appendCodePoint(c);
            }
        });
        return like.toString();
    }

    static boolean isPattern(String name) {
        return name.startsWith("!") || name.contains("*") || name.contains("?") || name.contains("[");
    }
}
