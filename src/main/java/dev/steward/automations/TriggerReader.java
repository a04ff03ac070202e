package dev.steward.automations;

import dev.steward.automations.CompoundTrigger.Require;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads a trigger as Prefect 3.9's server does ({@code ServerTriggerTypes}), failing with the first problem found,
 * at its place in the body:
 * <ul>
 * <li>{@code type} picks the kind; without one, the kind is inferred as Prefect's client infers it ({@code triggers}
 * and {@code require}: compound; {@code triggers} alone: sequence; else event). Fields a trigger does not have are
 * ignored, as Prefect's trigger models ignore them. {@code id} is kept when sent, else a new one is drawn.</li>
 * <li>Event: {@code posture} is required; {@code within} defaults to 0 and may not be negative or null; a Proactive
 * trigger's {@code within} of 0 becomes 10 s, and one under 10 s is refused. {@code threshold} defaults to 1.</li>
 * <li>Compound and sequence: {@code triggers} and {@code within} are required, {@code within} may be null (no
 * window); a compound's {@code require} is "any", "all" or a count from 1 to the number of triggers.</li>
 * <li>Steward's own rules: a negative {@code within} on a compound or sequence trigger is refused too (Prefect takes
 * it, and then no firing is ever recent enough); metric triggers, which Prefect's server refuses, are read as its
 * client writes them ({@link MetricTrigger}); and an event trigger that would fire on every event in the workspace
 * (no expect, after, match or match_related), nested or not, is refused.</li>
 * </ul>
 */
final class TriggerReader {
    static final String MINIMUM_RANGE = "Value error, The minimum range is 300 seconds (5 minutes)";
    static final Duration METRIC_MINIMUM = Duration.ofSeconds(300);
    static final String EVERY_EVENT = "This trigger would fire on every event in the workspace: set at least one of"
            + " expect (event names), after (event names), match (labels of the event's resource) or match_related"
            + " (labels of its related resources)";
    static final Duration PROACTIVE_MINIMUM = Duration.ofSeconds(10);

    private TriggerReader() {}

    static Trigger trigger(JsonValue json, At at) {
        if (json == null) throw at.missing();
        if (!(json instanceof JsonObject object)) throw at.invalid("Input should be a valid dictionary");
        String type = type(object, at);
        UUID id = id(object, at);
        return switch (type) {
            case "compound" -> compound(object, at, id);
            case "sequence" -> new SequenceTrigger(id, triggers(object, at), compositeWithin(object, at));
            case "metric" -> metric(object, at, id);
            default -> event(object, at, id);
        };
    }

    private static String type(JsonObject object, At at) {
        JsonValue type = object.get("type");
        if (type == null) {
            // as Prefect's client's discriminator: what it sends without a type is read as it meant it
            if (object.containsKey("triggers")) return object.containsKey("require") ? "compound" : "sequence";
            if (isString(object.get("posture"), "Metric") || object.containsKey("metric")) return "metric";
            return "event";
        }
        for (String known : List.of("event", "metric", "compound", "sequence")) {
            if (isString(type, known)) return known;
        }
        throw at.then("type").invalid("Input should be 'event', 'metric', 'compound' or 'sequence'");
    }

    private static UUID id(JsonObject object, At at) {
        if (!object.containsKey("id")) return UUID.randomUUID();
        if (object.get("id") instanceof JsonString s) {
            var id = UuidParameters.parse(s.getString());
            if (id.isPresent()) return id.get();
        }
        throw at.then("id").invalid("Input should be a valid UUID");
    }

    /** What a trigger matches: its resource spec, and its related specs (one, or a list as sent). */
    private record Matching(ResourceSpecification match, List<ResourceSpecification> related, boolean relatedIsList) {}

    private static Matching matching(JsonObject object, At at) {
        ResourceSpecification match = object.containsKey("match")
                ? ResourceSpecification.read(object.get("match"), at.then("match"))
                : ResourceSpecification.EMPTY;
        List<ResourceSpecification> matchRelated = new ArrayList<>();
        boolean matchRelatedIsList = false;
        JsonValue related = object.get("match_related");
        if (related == null) {
            matchRelated.add(ResourceSpecification.EMPTY);
        } else if (related instanceof JsonArray list) {
            matchRelatedIsList = true;
            for (int i = 0; i < list.size(); i++) {
                matchRelated.add(ResourceSpecification.read(list.get(i), at.then("match_related").then(i)));
            }
        } else if (related instanceof JsonObject) {
            matchRelated.add(ResourceSpecification.read(related, at.then("match_related")));
        } else {
            throw at.then("match_related").invalid("Input should be a valid dictionary or a list of dictionaries");
        }
        return new Matching(match, matchRelated, matchRelatedIsList);
    }

    /**
     * A metric trigger: {@code metric} with its {@code name} (lateness, duration or successes), {@code threshold},
     * {@code operator} ({@code <}, {@code <=}, {@code >}, {@code >=}), {@code range} and {@code firing_for} (each at
     * least 300 s, the default), as Prefect's client validates them.
     */
    private static MetricTrigger metric(JsonObject object, At at, UUID id) {
        Matching matching = matching(object, at);
        JsonValue posture = object.get("posture");
        if (posture != null && !isString(posture, "Metric")) throw at.then("posture").invalid("Input should be 'Metric'");
        At metricAt = at.then("metric");
        if (!(object.get("metric") instanceof JsonObject metric)) {
            throw object.containsKey("metric") ? metricAt.invalid("Input should be a valid dictionary") : metricAt.missing();
        }
        MetricTrigger.Metric name = null;
        for (MetricTrigger.Metric m : MetricTrigger.Metric.values()) {
            if (isString(metric.get("name"), m.name())) name = m;
        }
        if (name == null) {
            throw metric.containsKey("name") ? metricAt.then("name").invalid("Input should be 'lateness', 'duration' "
                    + "or 'successes' (the metrics this server measures)") : metricAt.then("name").missing();
        }
        if (!(metric.get("threshold") instanceof JsonNumber threshold)) {
            throw metric.containsKey("threshold") ? metricAt.then("threshold").invalid("Input should be a valid number")
                    : metricAt.then("threshold").missing();
        }
        MetricTrigger.Operator operator = null;
        for (MetricTrigger.Operator o : MetricTrigger.Operator.values()) {
            if (isString(metric.get("operator"), o.wire)) operator = o;
        }
        if (operator == null) {
            throw metric.containsKey("operator") ? metricAt.then("operator").invalid("Input should be '<', '<=', '>' "
                    + "or '>='") : metricAt.then("operator").missing();
        }
        return new MetricTrigger(id, matching.match(), matching.related(), matching.relatedIsList(),
                new MetricTrigger.Query(name, threshold.doubleValue(), operator, atLeastFiveMinutes(metric, "range",
                        metricAt), atLeastFiveMinutes(metric, "firing_for", metricAt)));
    }

    private static Duration atLeastFiveMinutes(JsonObject metric, String field, At at) {
        if (!metric.containsKey(field)) return METRIC_MINIMUM;
        Duration d = TimeDeltas.read(metric.get(field), at.then(field));
        if (d.compareTo(METRIC_MINIMUM) < 0) throw at.then(field).invalid(MINIMUM_RANGE);
        return d;
    }

    private static EventTrigger event(JsonObject object, At at, UUID id) {
        Matching matching = matching(object, at);
        ResourceSpecification match = matching.match();
        List<ResourceSpecification> matchRelated = matching.related();
        boolean matchRelatedIsList = matching.relatedIsList();

        Set<String> after = names(object, "after", at);
        Set<String> expect = names(object, "expect", at);
        Set<String> forEach = names(object, "for_each", at);
        Posture posture = posture(object, at);
        int threshold = object.containsKey("threshold") ? integer(object.get("threshold"), at.then("threshold")) : 1;

        Duration within = Duration.ZERO;
        JsonValue rawWithin = object.get("within");
        At withinAt = at.then("within");
        if (rawWithin == JsonValue.NULL) throw withinAt.invalid("Value error, `within` should be a valid timedelta");
        if (rawWithin != null) within = TimeDeltas.read(rawWithin, withinAt);
        if (posture == Posture.Proactive) {
            // Prefect gives a Proactive trigger without a window the shortest one it allows
            if (within.isZero()) within = PROACTIVE_MINIMUM;
            else if (within.compareTo(PROACTIVE_MINIMUM) < 0) {
                throw withinAt.invalid("Value error, `within` for Proactive triggers must be greater than or equal"
                        + " to 10 seconds");
            }
        } else if (within.isNegative()) {
            throw withinAt.invalid("Input should be greater than or equal to 0 seconds");
        }

        if (expect.isEmpty() && after.isEmpty() && match.isEmpty()
                && matchRelated.stream().allMatch(ResourceSpecification::isEmpty)) {
            throw at.invalid(EVERY_EVENT);
        }
        return new EventTrigger(id, match, matchRelated, matchRelatedIsList, after, expect, forEach, posture,
                threshold, within);
    }

    private static Posture posture(JsonObject object, At at) {
        JsonValue posture = object.get("posture");
        At postureAt = at.then("posture");
        if (posture == null) throw postureAt.missing();
        if (isString(posture, "Metric")) throw postureAt.invalid("Input should be 'Reactive' or 'Proactive' (a "
                + "Metric posture goes with a trigger of type 'metric')");
        for (Posture p : Posture.values()) {
            if (isString(posture, p.name())) return p;
        }
        throw postureAt.invalid("Input should be 'Reactive' or 'Proactive'");
    }

    /** A set of strings sent as a JSON array; duplicates fold, the first place kept. */
    private static Set<String> names(JsonObject object, String field, At at) {
        JsonValue value = object.get(field);
        Set<String> names = new LinkedHashSet<>();
        if (value == null) return names;
        if (!(value instanceof JsonArray array)) throw at.then(field).invalid("Input should be a valid set");
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonString s)) {
                throw at.then(field).then(i).invalid("Input should be a valid string");
            }
            names.add(s.getString());
        }
        return names;
    }

    private static CompoundTrigger compound(JsonObject object, At at, UUID id) {
        List<Trigger> triggers = triggers(object, at);
        At requireAt = at.then("require");
        JsonValue raw = object.get("require");
        if (raw == null) throw requireAt.missing();
        Require require;
        if (isString(raw, "any")) {
            require = Require.ANY;
        } else if (isString(raw, "all")) {
            require = Require.ALL;
        } else if (raw instanceof JsonNumber || raw instanceof JsonString s && isInteger(s.getString())) {
            int count = integer(raw, requireAt);
            if (count < 1) throw requireAt.invalid("Value error, require must be at least 1");
            if (count > triggers.size()) {
                throw requireAt.invalid("Value error, require must be less than or equal to the number of triggers");
            }
            require = Require.atLeast(count);
        } else {
            throw requireAt.invalid("Input should be 'any', 'all' or an integer");
        }
        return new CompoundTrigger(id, triggers, require, compositeWithin(object, at));
    }

    private static List<Trigger> triggers(JsonObject object, At at) {
        JsonValue raw = object.get("triggers");
        At triggersAt = at.then("triggers");
        if (raw == null) throw triggersAt.missing();
        if (!(raw instanceof JsonArray array)) throw triggersAt.invalid("Input should be a valid list");
        List<Trigger> triggers = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) triggers.add(trigger(array.get(i), triggersAt.then(i)));
        return triggers;
    }

    /** Required, as Prefect's server has it; null is no window. */
    private static Duration compositeWithin(JsonObject object, At at) {
        At withinAt = at.then("within");
        JsonValue raw = object.get("within");
        if (raw == null) throw withinAt.missing();
        if (raw == JsonValue.NULL) return null;
        Duration within = TimeDeltas.read(raw, withinAt);
        if (within.isNegative()) throw withinAt.invalid("Input should be greater than or equal to 0 seconds");
        return within;
    }

    /**
     * An integer as pydantic takes one: a JSON integer, a float with no fraction (2.0) or a string of digits ("2").
     */
    static int integer(JsonValue value, At at) {
        BigDecimal number;
        if (value instanceof JsonNumber n) {
            number = n.bigDecimalValue();
            if (number.stripTrailingZeros().scale() > 0) {
                throw at.invalid("Input should be a valid integer, got a number with a fractional part");
            }
        } else if (value instanceof JsonString s && isInteger(s.getString())) {
            number = new BigDecimal(s.getString().strip());
        } else if (value instanceof JsonString) {
            throw at.invalid("Input should be a valid integer, unable to parse string as an integer");
        } else {
            throw at.invalid("Input should be a valid integer");
        }
        if (number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw at.invalid("Input should be less than or equal to " + Integer.MAX_VALUE);
        }
        if (number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0) {
            throw at.invalid("Input should be greater than or equal to " + Integer.MIN_VALUE);
        }
        return number.intValue();
    }

    private static boolean isInteger(String s) {
        return s.strip().matches("[+-]?\\d+");
    }

    private static boolean isString(JsonValue value, String expected) {
        return value instanceof JsonString s && s.getString().equals(expected);
    }
}
