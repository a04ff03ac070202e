package dev.steward.workers;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields an update changed, each from and to, as Prefect's {@code prefect.work-pool.updated} and
 * {@code prefect.work-queue.updated} events carry them: {@code updated_fields} and
 * {@code updates: {field: {from, to}}}.
 */
final class FieldUpdates {
    private final Map<String, JsonValue[]> changed = new LinkedHashMap<>();

    /** Records that {@code field} went from one value to another (nullable Java values or JSON). */
    void add(String field, Object from, Object to) {
        changed.put(field, new JsonValue[] {Json.orNull(from), Json.orNull(to)});
    }

    boolean isEmpty() {
        return changed.isEmpty();
    }

    JsonObject payload() {
        JsonObjectBuilder updates = Json.createObjectBuilder();
        changed.forEach((field, fromTo) -> updates.add(field,
                Json.createObjectBuilder().add("from", fromTo[0]).add("to", fromTo[1])));
        return Json.createObjectBuilder()
                .add("updated_fields", Json.strings(changed.keySet())).add("updates", updates).build();
    }
}
