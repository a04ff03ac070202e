package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One firing of a trigger (Prefect's Firing): when, for which for_each labels, the event that caused it (for a
 * proactive trigger, the last one seen, if any), for a compound or sequence trigger its children's firings, and for
 * a metric trigger the value measured.
 */
record Firing(UUID id, UUID triggerId, Instant triggered, Map<String, String> triggeringLabels,
              JsonObject triggeringEvent, List<Firing> triggeringFirings, JsonValue triggeringValue) {

    static Firing of(Trigger trigger, Instant triggered, Map<String, String> labels, JsonObject event,
                     List<Firing> children) {
        return new Firing(UUID.randomUUID(), trigger.id(), triggered, labels, event, List.copyOf(children),
                JsonValue.NULL);
    }

    /** A metric trigger's firing: no event, the value it measured. */
    static Firing measured(MetricTrigger trigger, Instant triggered, double value) {
        return new Firing(UUID.randomUUID(), trigger.id(), triggered, Map.of(), null, List.of(),
                Json.createValue(value));
    }

    JsonObject toJson() {
        JsonObjectBuilder labels = Json.createObjectBuilder();
        triggeringLabels.forEach(labels::add);
        JsonArrayBuilder children = Json.createArrayBuilder();
        triggeringFirings.forEach(f -> children.add(f.toJson()));
        return Json.createObjectBuilder()
                .add("id", id.toString())
                .add("trigger_id", triggerId.toString())
                .add("triggered", triggered.toString())
                .add("triggering_labels", labels)
                .add("triggering_event", triggeringEvent == null ? JsonValue.NULL : triggeringEvent)
                .add("triggering_firings", children)
                .add("triggering_value", triggeringValue)
                .build();
    }

    static Firing fromJson(JsonObject json) {
        Map<String, String> labels = new LinkedHashMap<>();
        json.getJsonObject("triggering_labels").forEach((k, v) -> labels.put(k, ((jakarta.json.JsonString) v).getString()));
        List<Firing> children = new ArrayList<>();
        json.getJsonArray("triggering_firings").forEach(v -> children.add(fromJson(v.asJsonObject())));
        JsonValue event = json.get("triggering_event");
        return new Firing(UUID.fromString(json.getString("id")), UUID.fromString(json.getString("trigger_id")),
                Instant.parse(json.getString("triggered")), labels,
                event instanceof JsonObject o ? o : null, children,
                json.getOrDefault("triggering_value", JsonValue.NULL));
    }
}
