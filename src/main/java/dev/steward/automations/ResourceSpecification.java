package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Prefect's ResourceSpecification: which resources a trigger means, as label to accepted values. A resource matches
 * when, for every label, its value matches one of the values, each a glob that a leading {@code !} negates (see
 * {@link EventTrigger#nameMatches}); a label the resource lacks matches no value, a negated one included, and a label
 * given an empty list matches nothing. An empty specification matches every resource. A value sent as a single string
 * is answered as a single string, a list as a list, as Prefect keeps the form it was given.
 */
public final class ResourceSpecification {
    public static final ResourceSpecification EMPTY = new ResourceSpecification(Map.of(), Set.of());

    private final Map<String, List<String>> labels;
    private final Set<String> single;

    private ResourceSpecification(Map<String, List<String>> labels, Set<String> single) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        labels.forEach((label, values) -> copy.put(label, List.copyOf(values)));
        this.labels = Collections.unmodifiableMap(copy);
        this.single = Collections.unmodifiableSet(new LinkedHashSet<>(single));
    }

    /** Labels and their values, each written back as a list. */
    public static ResourceSpecification of(Map<String, List<String>> labels) {
        return new ResourceSpecification(labels, Set.of());
    }

    /** Prefect's JSON: an object whose values are each a string or a list of strings. */
    public static ResourceSpecification read(JsonValue json, String location) {
        return read(json, At.of(location));
    }

    static ResourceSpecification read(JsonValue json, At at) {
        if (!(json instanceof JsonObject object)) throw at.invalid("Input should be a valid dictionary");
        Map<String, List<String>> labels = new LinkedHashMap<>();
        Set<String> single = new LinkedHashSet<>();
        for (var entry : object.entrySet()) {
            At label = at.then(entry.getKey());
            if (entry.getValue() instanceof JsonString s) {
                labels.put(entry.getKey(), List.of(s.getString()));
                single.add(entry.getKey());
            } else if (entry.getValue() instanceof JsonArray array) {
                List<String> values = new ArrayList<>(array.size());
                for (int i = 0; i < array.size(); i++) {
                    if (!(array.get(i) instanceof JsonString s)) {
                        throw label.then(i).invalid("Input should be a valid string");
                    }
                    values.add(s.getString());
                }
                labels.put(entry.getKey(), values);
            } else {
                throw label.invalid("Input should be a valid string or a list of strings");
            }
        }
        return new ResourceSpecification(labels, single);
    }

    public JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder();
        labels.forEach((label, values) -> {
            if (single.contains(label)) b.add(label, values.get(0));
            else b.add(label, Json.createArrayBuilder(values));
        });
        return b.build();
    }

    public Map<String, List<String>> labels() {
        return labels;
    }

    public boolean isEmpty() {
        return labels.isEmpty();
    }

    /** A trigger's {@code match_related}: one specification, or a list of them when it was sent as a list. */
    static JsonValue toJson(List<ResourceSpecification> related, boolean asList) {
        if (!asList) return related.get(0).toJson();
        jakarta.json.JsonArrayBuilder list = Json.createArrayBuilder();
        related.forEach(spec -> list.add(spec.toJson()));
        return list.build();
    }

    /** Whether every one of a trigger's {@code match_related} specifications includes one of the related resources. */
    static boolean allInclude(List<ResourceSpecification> specs, List<JsonObject> related) {
        for (ResourceSpecification spec : specs) {
            if (!spec.includes(related)) return false;
        }
        return true;
    }

    /**
     * Whether any of {@code resources} (each a JSON object of label to value) matches: Prefect's {@code includes}.
     * An empty specification includes everything, even no resources at all; a non-empty one includes nothing from an
     * empty list.
     */
    public boolean includes(List<JsonObject> resources) {
        if (isEmpty()) return true;
        for (JsonObject resource : resources) {
            if (matches(resource)) return true;
        }
        return false;
    }

    /** Whether one resource has, for every label, a value that one of the label's patterns matches. */
    public boolean matches(JsonObject resource) {
        for (var entry : labels.entrySet()) {
            String value = resource.get(entry.getKey()) instanceof JsonString s ? s.getString() : null;
            boolean any = false;
            for (String expected : entry.getValue()) {
                if (Globs.matches(expected, value)) {
                    any = true;
                    break;
                }
            }
            if (!any) return false;
        }
        return true;
    }

    /**
     * Prefect's {@code matches_every_resource_of_kind}: true when empty, or when the only label is
     * {@code prefect.resource.id} and one of its values is {@code <kindPrefix>.*} (e.g. every flow run). Prefect uses
     * it to refuse automations that would run a deployment on every flow run of it.
     */
    public boolean matchesEveryResourceOfKind(String kindPrefix) {
        if (isEmpty()) return true;
        if (labels.size() != 1) return false;
        List<String> ids = labels.get("prefect.resource.id");
        return ids != null && ids.contains(kindPrefix + ".*");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceSpecification other && labels.equals(other.labels) && single.equals(other.single);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labels, single);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
