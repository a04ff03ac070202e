package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What compound and sequence triggers share: their JSON's common fields and their walks over their children. */
final class Composites {
    private Composites() {}

    /** type, id, triggers, within (null when there is no window), in Prefect's order. */
    static JsonObjectBuilder json(Trigger self, List<Trigger> triggers, Duration within) {
        JsonArrayBuilder children = Json.createArrayBuilder();
        triggers.forEach(t -> children.add(t.toJson()));
        return Json.createObjectBuilder()
                .add("type", self.type())
                .add("id", self.id().toString())
                .add("triggers", children)
                .add("within", within == null ? JsonValue.NULL : TimeDeltas.write(within));
    }

    static List<Trigger> all(Trigger self, List<Trigger> triggers) {
        List<Trigger> all = new ArrayList<>();
        all.add(self);
        triggers.forEach(t -> all.addAll(t.all()));
        return all;
    }

    static List<Trigger> withNewIds(List<Trigger> triggers) {
        List<Trigger> fresh = new ArrayList<>(triggers.size());
        triggers.forEach(t -> fresh.add(t.withNewIds()));
        return fresh;
    }
}
