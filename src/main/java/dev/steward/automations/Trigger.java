package dev.steward.automations;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.UUID;

/**
 * An automation's trigger, as Prefect 3.9's server models it: an {@link EventTrigger} on events, or a composite of
 * triggers, {@link CompoundTrigger} (some of them) or {@link SequenceTrigger} (all, in order); and, as Prefect's Cloud
 * and client model it, a {@link MetricTrigger} on a metric of the workspace's flow runs.
 */
public sealed interface Trigger permits EventTrigger, MetricTrigger, CompoundTrigger, SequenceTrigger {
    UUID id();

    /** "event", "metric", "compound" or "sequence", the wire's {@code type}. */
    String type();

    /** Prefect's JSON of the trigger, every field written out, as Prefect's server answers it. */
    JsonObject toJson();

    /** This trigger and every trigger within it, depth first, each parent before its children. */
    List<Trigger> all();

    /** The same trigger with fresh random ids on it and every trigger within it (Prefect's {@code reset_ids}). */
    Trigger withNewIds();

    /**
     * Reads a trigger as Prefect's server does, and refuses what it refuses with a 422 at {@code location} (a dotted
     * body location, e.g. "trigger"). See {@link TriggerReader} for the rules.
     */
    static Trigger read(JsonValue json, String location) {
        return TriggerReader.trigger(json, At.of(location));
    }
}
