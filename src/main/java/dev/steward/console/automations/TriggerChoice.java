package dev.steward.console.automations;

import dev.steward.automations.Trigger;
import dev.steward.platform.Json;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A trigger the editor's form can say: one of its templates and the values filled in. Each writes the trigger as
 * Prefect's UI writes that kind (one window per resource, {@code prefect.resource.id} in for_each), and
 * {@link #recognize} finds the template of a stored trigger by reading its values and writing them again: a trigger
 * is the form's only when that gives back the same trigger, so nothing the form cannot show is ever lost by it.
 */
sealed interface TriggerChoice extends Serializable {
    /** The flow run states the form offers (Prefect's state names). */
    List<String> FLOW_RUN_STATES = List.of("Scheduled", "Late", "Pending", "Running", "Retrying", "Paused",
            "Suspended", "Cancelling", "Cancelled", "Completed", "Cached", "Failed", "Crashed", "TimedOut");

    /** Prefect's trigger JSON, without an id. */
    JsonObject toJson();

    /** One line for lists, e.g. "A flow run enters Failed or Crashed". */
    String describe();

    /**
     * A flow run enters one of {@code states} (any state when empty), or stays in one for {@code stays} (null:
     * enters); of {@code flows} only (any flow when empty).
     */
    record FlowRunState(List<String> states, List<UUID> flows, Duration stays) implements TriggerChoice {
        public FlowRunState {
            states = List.copyOf(states);
            flows = List.copyOf(flows);
        }

        @Override
        public JsonObject toJson() {
            List<String> names = states.isEmpty() ? List.of("prefect.flow-run.*")
                    : states.stream().map(s -> "prefect.flow-run." + s).toList();
            JsonObjectBuilder related = Json.createObjectBuilder();
            if (!flows.isEmpty()) {
                related.add("prefect.resource.role", "flow").add("prefect.resource.id",
                        Json.createArrayBuilder(flows.stream().map(f -> "prefect.flow." + f).toList()));
            }
            JsonObjectBuilder t = perResource(Json.createObjectBuilder()
                    .add("prefect.resource.id", "prefect.flow-run.*"), related);
            return (stays == null ? enters(t, names) : staysIn(t, names, List.of("prefect.flow-run.*"), stays)).build();
        }

        @Override
        public String describe() {
            String which = states.isEmpty() ? "any state" : orList(states);
            String of = flows.isEmpty() ? "" : " (" + count(flows.size(), "flow") + ")";
            return stays == null ? "A flow run enters " + which + of
                    : "A flow run stays in " + which + " for " + duration(stays) + of;
        }

        static FlowRunState read(JsonObject t) {
            if (!t.getJsonObject("match").equals(Json.createObjectBuilder()
                    .add("prefect.resource.id", "prefect.flow-run.*").build())) {
                return null;
            }
            boolean reactive = t.getString("posture").equals("Reactive");
            List<String> states = new ArrayList<>();
            for (String name : strings(t.getJsonArray(reactive ? "expect" : "after"))) {
                if (!name.startsWith("prefect.flow-run.")) return null;
                states.add(name.substring("prefect.flow-run.".length()));
            }
            if (states.equals(List.of("*"))) states.clear();
            List<UUID> flows = ids(t.get("match_related"), "prefect.flow.");
            if (flows == null) return null;
            return new FlowRunState(states, flows, reactive ? null : withinOf(t));
        }
    }

    /**
     * A deployment, work pool or work queue ({@code kind} as in its resource id: "deployment", "work-pool",
     * "work-queue") enters {@code status}, or stays in it for {@code stays} (null: enters); of {@code targets} only
     * (any when empty).
     */
    record Status(String kind, List<UUID> targets, String status, Duration stays) implements TriggerChoice {
        public Status {
            targets = List.copyOf(targets);
        }

        /** The statuses Prefect emits an event for, by kind: {@code prefect.<kind>.<status>}. */
        static List<String> statuses(String kind) {
            return kind.equals("deployment") ? List.of("ready", "not-ready") : List.of("ready", "not-ready", "paused");
        }

        @Override
        public JsonObject toJson() {
            JsonValue ids = targets.isEmpty() ? Json.createValue("prefect." + kind + ".*") : Json.createArrayBuilder(
                    targets.stream().map(id -> "prefect." + kind + "." + id).toList()).build();
            JsonObjectBuilder t = perResource(Json.createObjectBuilder().add("prefect.resource.id", ids),
                    Json.createObjectBuilder());
            String event = "prefect." + kind + "." + status;
            if (stays == null) return enters(t, List.of(event)).build();
            // it stays while none of the other statuses comes
            List<String> others = statuses(kind).stream().filter(s -> !s.equals(status))
                    .map(s -> "prefect." + kind + "." + s).toList();
            return staysIn(t, List.of(event), others, stays).build();
        }

        @Override
        public String describe() {
            String what = "A " + kind.replace('-', ' ') + (targets.isEmpty() ? "" : " (" + targets.size() + " chosen)");
            return stays == null ? what + " enters " + status : what + " stays " + status + " for " + duration(stays);
        }

        static Status read(JsonObject t, String kind) {
            boolean reactive = t.getString("posture").equals("Reactive");
            List<String> names = strings(t.getJsonArray(reactive ? "expect" : "after"));
            String prefix = "prefect." + kind + ".";
            if (names.size() != 1 || !names.get(0).startsWith(prefix)) return null;
            String status = names.get(0).substring(prefix.length());
            if (!statuses(kind).contains(status)) return null;
            JsonObject match = t.getJsonObject("match");
            List<UUID> targets = match.get("prefect.resource.id") instanceof JsonString ? List.of()
                    : ids(match, prefix);
            if (targets == null) return null;
            return new Status(kind, targets, status, reactive ? null : withinOf(t));
        }
    }

    /**
     * Any event: {@code threshold} events named one of {@code names} (globs) of a resource whose id is one of
     * {@code resources} (globs; any when empty) within {@code within}, counted per resource when {@code perResource};
     * Proactive: fewer than that.
     */
    record CustomEvent(List<String> names, List<String> resources, boolean perResource, boolean proactive,
                       int threshold, Duration within) implements TriggerChoice {
        public CustomEvent {
            names = List.copyOf(names);
            resources = List.copyOf(resources);
        }

        @Override
        public JsonObject toJson() {
            JsonObjectBuilder match = Json.createObjectBuilder();
            if (!resources.isEmpty()) match.add("prefect.resource.id", Json.createArrayBuilder(resources));
            return Json.createObjectBuilder()
                    .add("type", "event")
                    .add("match", match)
                    .add("match_related", JsonValue.EMPTY_JSON_OBJECT)
                    .add("after", JsonValue.EMPTY_JSON_ARRAY)
                    .add("expect", Json.createArrayBuilder(names))
                    .add("for_each", perResource ? Json.createArrayBuilder().add("prefect.resource.id").build()
                            : JsonValue.EMPTY_JSON_ARRAY)
                    .add("posture", proactive ? "Proactive" : "Reactive")
                    .add("threshold", threshold)
                    .add("within", within.toSeconds())
                    .build();
        }

        @Override
        public String describe() {
            String events = names.isEmpty() ? "any event" : orList(names);
            String window = within.isZero() ? "" : " within " + duration(within);
            return proactive ? "Fewer than " + threshold + " × " + events + window
                    : (threshold == 1 ? "" : threshold + " × ") + events + window;
        }

        static CustomEvent read(JsonObject t) {
            JsonObject match = t.getJsonObject("match");
            List<String> resources = match.isEmpty() ? List.of()
                    : match.get("prefect.resource.id") instanceof JsonArray a ? strings(a) : null;
            if (resources == null || !t.getJsonArray("after").isEmpty()) return null;
            return new CustomEvent(strings(t.getJsonArray("expect")), resources, !t.getJsonArray("for_each").isEmpty(),
                    t.getString("posture").equals("Proactive"), t.getInt("threshold"), withinOf(t));
        }
    }

    /**
     * The template of a trigger as {@link Trigger#toJson} writes it (an id or not), when the form can say it exactly:
     * its values read, written again and read as the API reads them give the same trigger.
     */
    static Optional<TriggerChoice> recognize(JsonObject trigger) {
        if (!"event".equals(trigger.getString("type", ""))) return Optional.empty();
        JsonObject wanted = withoutId(trigger);
        List<TriggerChoice> candidates = new ArrayList<>();
        try {
            candidates.add(FlowRunState.read(wanted));
            for (String kind : List.of("deployment", "work-pool", "work-queue")) {
                candidates.add(Status.read(wanted, kind));
            }
            candidates.add(CustomEvent.read(wanted));
            return candidates.stream().filter(c -> c != null && canonical(c.toJson()).equals(wanted)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty(); // a shape none of the templates writes, read or written
        }
    }

    /** The trigger as the API reads it and writes it back, without its id. */
    static JsonObject canonical(JsonObject trigger) {
        return withoutId(Trigger.read(trigger, "trigger").toJson());
    }

    /** A one-line description of any trigger: its template's, or its kind's. */
    static String describe(JsonObject trigger) {
        Optional<TriggerChoice> choice = recognize(trigger);
        if (choice.isPresent()) return choice.get().describe();
        return switch (trigger.getString("type", "")) {
            case "compound" -> "Compound trigger of " + count(trigger.getJsonArray("triggers").size(), "trigger");
            case "sequence" -> "Sequence of " + count(trigger.getJsonArray("triggers").size(), "trigger");
            default -> trigger.getString("posture", "") + " event trigger"
                    + (trigger.get("expect") instanceof JsonArray a && !a.isEmpty() ? ": " + orList(strings(a)) : "");
        };
    }

    /** "12 min", "1 h 30 min", "45 s". */
    static String duration(Duration d) {
        List<String> parts = new ArrayList<>();
        if (d.toHours() > 0) parts.add(d.toHours() + " h");
        if (d.toMinutesPart() > 0) parts.add(d.toMinutesPart() + " min");
        if (d.toSecondsPart() > 0 || parts.isEmpty()) parts.add(d.toSecondsPart() + " s");
        return String.join(" ", parts);
    }

    private static JsonObject withoutId(JsonObject trigger) {
        return Json.createObjectBuilder(trigger).remove("id").build();
    }

    /** The parts every template's trigger shares: match and match_related, one window per resource, threshold 1. */
    private static JsonObjectBuilder perResource(JsonObjectBuilder match, JsonObjectBuilder related) {
        return Json.createObjectBuilder().add("type", "event").add("match", match).add("match_related", related)
                .add("for_each", Json.createArrayBuilder().add("prefect.resource.id")).add("threshold", 1);
    }

    private static JsonObjectBuilder enters(JsonObjectBuilder t, List<String> events) {
        return t.add("after", JsonValue.EMPTY_JSON_ARRAY).add("expect", Json.createArrayBuilder(events))
                .add("posture", "Reactive").add("within", 0);
    }

    /** Proactive: after one of {@code events}, fires unless one of {@code leaving} comes within {@code stays}. */
    private static JsonObjectBuilder staysIn(JsonObjectBuilder t, List<String> events, List<String> leaving,
                                             Duration stays) {
        return t.add("after", Json.createArrayBuilder(events)).add("expect", Json.createArrayBuilder(leaving))
                .add("posture", "Proactive").add("within", stays.toSeconds());
    }

    private static Duration withinOf(JsonObject t) {
        return Duration.ofSeconds(t.getJsonNumber("within").bigDecimalValue().longValueExact());
    }

    /**
     * The ids a resource specification lists as {@code prefix<uuid>}: empty for an empty specification, null when it
     * lists anything else (its other labels are left to the comparison that follows).
     */
    private static List<UUID> ids(JsonValue specification, String prefix) {
        if (!(specification instanceof JsonObject spec)) return null;
        if (spec.isEmpty()) return List.of();
        if (!(spec.get("prefect.resource.id") instanceof JsonArray list)) return null;
        List<UUID> out = new ArrayList<>();
        for (String id : strings(list)) {
            if (!id.startsWith(prefix)) return null;
            Optional<UUID> uuid = UuidParameters.parse(id.substring(prefix.length()));
            if (uuid.isEmpty()) return null;
            out.add(uuid.get());
        }
        return out;
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static String orList(List<String> items) {
        if (items.size() == 1) return items.get(0);
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
