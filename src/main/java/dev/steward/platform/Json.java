package dev.steward.platform;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.Collection;

/** One JSON-B configuration for the whole API: Prefect's snake_case field names, nulls written out. */
public final class Json {
    public static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true));

    private Json() {}

    public static String write(Object value) {
        return JSONB.toJson(value);
    }

    /** Parses JSON text into a JSON-P value; null and blank text read as JSON null. */
    public static JsonValue parse(String text) {
        if (text == null || text.isBlank()) return JsonValue.NULL;
        try (var reader = jakarta.json.Json.createReader(new StringReader(text))) {
            return reader.readValue();
        } catch (JsonParsingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // the parser's other refusals, e.g. "Input is too deeply nested" (a plain RuntimeException in Parsson)
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    public static JsonObject parseObject(String text) {
        JsonValue v = parse(text);
        return v instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    public static JsonArray strings(Collection<String> values) {
        JsonArrayBuilder b = jakarta.json.Json.createArrayBuilder();
        values.forEach(b::add);
        return b.build();
    }

    /** Prefect's error body: {"detail": "..."} */
    public static String errorBody(String detail) {
        return jakarta.json.Json.createObjectBuilder().add("detail", detail).build().toString();
    }
}
