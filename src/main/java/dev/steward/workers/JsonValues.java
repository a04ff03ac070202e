package dev.steward.workers;

import dev.steward.platform.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;

/** The JSON of the nullable fields that this package's documents and update events carry: null is JSON null. */
final class JsonValues {
    private JsonValues() {}

    static JsonValue of(Object o) {
        if (o == null) return JsonValue.NULL;
        if (o instanceof JsonValue v) return v;
        if (o instanceof Integer i) return Json.createValue(i);
        if (o instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (o instanceof Instant || o instanceof UUID || o instanceof String) return Json.createValue(o.toString());
        throw new IllegalArgumentException("no JSON form for " + o.getClass());
    }
}
