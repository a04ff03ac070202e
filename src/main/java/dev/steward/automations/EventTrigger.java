package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Prefect's EventTrigger: fires on the presence (Reactive) or absence (Proactive) of {@code threshold} events within
 * {@code within}, counted separately for each value of the {@code for_each} labels. Events are Prefect's wire JSON:
 * {@code {"event", "resource": {label: value}, "related": [{label: value, "prefect.resource.role": role}], ...}}.
 *
 * @param match         labels of the event's resource
 * @param matchRelated  labels of its related resources: every specification must include one of them
 * @param matchRelatedIsList whether {@code match_related} came as a list (else it holds one specification, written
 *                      back as an object)
 * @param after         event names that must be seen first (globs)
 * @param expect        event names counted (globs); empty means any event
 * @param forEach       labels whose values split the count, {@code related:<role>:<label>} for a related resource's
 * @param within        the window; zero for a Reactive trigger that fires on each event, at least 10 s when Proactive
 */
public record EventTrigger(UUID id, ResourceSpecification match, List<ResourceSpecification> matchRelated,
                           boolean matchRelatedIsList, Set<String> after, Set<String> expect, Set<String> forEach,
                           Posture posture, int threshold, Duration within) implements Trigger {
    public EventTrigger {
        matchRelated = List.copyOf(matchRelated);
        if (!matchRelatedIsList && matchRelated.size() != 1) {
            throw new IllegalArgumentException("match_related given as one specification must hold exactly one");
        }
        // insertion order kept, so that a trigger is written back as it was sent
        after = Collections.unmodifiableSet(new LinkedHashSet<>(after));
        expect = Collections.unmodifiableSet(new LinkedHashSet<>(expect));
        forEach = Collections.unmodifiableSet(new LinkedHashSet<>(forEach));
    }

    @Override
    public String type() {
        return "event";
    }

    @Override
    public JsonObject toJson() {
        return Json.createObjectBuilder()
                .add("type", type())
                .add("id", id.toString())
                .add("match", match.toJson())
                .add("match_related", ResourceSpecification.toJson(matchRelated, matchRelatedIsList))
                .add("after", Json.createArrayBuilder(after))
                .add("expect", Json.createArrayBuilder(expect))
                .add("for_each", Json.createArrayBuilder(forEach))
                .add("posture", posture.name())
                .add("threshold", threshold)
                .add("within", TimeDeltas.write(within))
                .build();
    }

    @Override
    public List<Trigger> all() {
        return List.of(this);
    }

    @Override
    public EventTrigger withNewIds() {
        return new EventTrigger(UUID.randomUUID(), match, matchRelated, matchRelatedIsList, after, expect, forEach,
                posture, threshold, within);
    }

    /**
     * Prefect's {@code matches}: whether an event name (or a label value) matches a pattern. A leading {@code !}
     * negates; the rest is a shell glob over the whole name ({@code prefect.flow-run.*} matches
     * {@code prefect.flow-run.Completed}; {@code *} may match nothing, {@code ?} one character, {@code [...]} a class).
     * A null name matches nothing.
     */
    public static boolean nameMatches(String pattern, String eventName) {
        return Globs.matches(pattern, eventName);
    }

    /**
     * Prefect's {@code covers}: whether the event is one this trigger looks at. Its name is tested against
     * {@code expect} and {@code after} (any name when {@code expect} is empty) the way Prefect's server does: a
     * {@code *} stands for at least one character and a pattern need only match the start of the name. Then its
     * resource must match {@code match} and, for every {@code match_related} specification, one related resource
     * must match it.
     */
    public boolean covers(JsonObject event) {
        if (!Globs.eventNamePattern(expect, after).matcher(eventName(event)).lookingAt()) return false;
        return match.includes(List.of(resource(event))) && ResourceSpecification.allInclude(matchRelated, related(event));
    }

    /** Whether the trigger counts this event: any name when {@code expect} is empty. */
    public boolean expects(String eventName) {
        if (expect.isEmpty()) return true;
        for (String pattern : expect) {
            if (Globs.matches(pattern, eventName)) return true;
        }
        return false;
    }

    /** Whether this event opens the trigger's window: never when {@code after} is empty. */
    public boolean startsAfter(String eventName) {
        for (String pattern : after) {
            if (Globs.matches(pattern, eventName)) return true;
        }
        return false;
    }

    /** The values of the {@code for_each} labels, in the labels' sorted order, "" for each the event lacks. */
    public List<String> bucketingKey(JsonObject event) {
        List<String> key = new ArrayList<>(forEach.size());
        for (String label : sortedForEach()) {
            String value = findResourceLabel(event, label);
            key.add(value == null ? "" : value);
        }
        return key;
    }

    /** The {@code for_each} labels with their values in this event, in sorted order (Prefect's triggering_labels). */
    public Map<String, String> triggeringLabels(JsonObject event) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> sorted = sortedForEach();
        List<String> key = bucketingKey(event);
        for (int i = 0; i < sorted.size(); i++) labels.put(sorted.get(i), key.get(i));
        return labels;
    }

    /** Reactive: fires at {@code threshold} events or more; Proactive: fires on fewer than {@code threshold}. */
    public boolean meetsThreshold(int count) {
        return posture == Posture.Reactive ? count >= threshold : count < threshold;
    }

    /** A Reactive trigger with no window fires on each event it covers, without counting. */
    public boolean immediate() {
        return posture == Posture.Reactive && within.isZero();
    }

    /**
     * Prefect's {@code Event.find_resource_label}: {@code related:<role>:<label>} is the label of the first related
     * resource in that role (null when that one lacks it); any other label is the event's resource's.
     */
    static String findResourceLabel(JsonObject event, String label) {
        int lastColon = label.lastIndexOf(':');
        if (lastColon >= 0) {
            String directive = label.substring(0, lastColon);
            int firstColon = directive.indexOf(':');
            String head = firstColon < 0 ? directive : directive.substring(0, firstColon);
            if (head.equals("related")) {
                String role = firstColon < 0 ? "" : directive.substring(firstColon + 1);
                String relatedLabel = label.substring(lastColon + 1);
                for (JsonObject related : related(event)) {
                    if (role.equals(string(related, "prefect.resource.role"))) return string(related, relatedLabel);
                }
            }
        }
        return string(resource(event), label);
    }

    /** Python's sorted() over strings: by code point, which String.compareTo is not beyond the BMP. */
    private List<String> sortedForEach() {
        List<String> sorted = new ArrayList<>(forEach);
        sorted.sort((a, b) -> {
            int i = 0;
            int j = 0;
            while (i < a.length() && j < b.length()) {
                int ca = a.codePointAt(i);
                int cb = b.codePointAt(j);
                if (ca != cb) return Integer.compare(ca, cb);
                i += Character.charCount(ca);
                j += Character.charCount(cb);
            }
            return Integer.compare(a.length() - i, b.length() - j);
        });
        return sorted;
    }

    private static String eventName(JsonObject event) {
        String name = string(event, "event");
        return name == null ? "" : name;
    }

    private static JsonObject resource(JsonObject event) {
        return event.get("resource") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static List<JsonObject> related(JsonObject event) {
        if (!(event.get("related") instanceof JsonArray array)) return List.of();
        List<JsonObject> related = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            if (v instanceof JsonObject o) related.add(o);
        }
        return related;
    }

    private static String string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }
}
