package dev.steward.platform;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriterFactory;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * One JSON-B configuration for the whole API (Prefect's snake_case field names, nulls written out), and JSON-P's
 * factory methods on one provider: {@code jakarta.json.Json} looks its provider up with a ServiceLoader on every call,
 * which in Payara scans class-loader resources; measured at over half the CPU of event ingest. Use these, not
 * {@code jakarta.json.Json}.
 */
public final class Json {
    private static final JsonProvider PROVIDER = JsonProvider.provider();

    public static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
            .withNullValues(true));

    private Json() {}

    public static JsonObjectBuilder createObjectBuilder() { return PROVIDER.createObjectBuilder(); }
    public static JsonObjectBuilder createObjectBuilder(JsonObject object) { return PROVIDER.createObjectBuilder(object); }
    public static JsonObjectBuilder createObjectBuilder(Map<String, ?> map) { return PROVIDER.createObjectBuilder(map); }
    public static JsonArrayBuilder createArrayBuilder() { return PROVIDER.createArrayBuilder(); }
    public static JsonArrayBuilder createArrayBuilder(JsonArray array) { return PROVIDER.createArrayBuilder(array); }
    public static JsonArrayBuilder createArrayBuilder(Collection<?> values) { return PROVIDER.createArrayBuilder(values); }
    public static JsonString createValue(String value) { return PROVIDER.createValue(value); }
    public static JsonNumber createValue(int value) { return PROVIDER.createValue(value); }
    public static JsonNumber createValue(long value) { return PROVIDER.createValue(value); }
    public static JsonNumber createValue(double value) { return PROVIDER.createValue(value); }
    public static JsonNumber createValue(BigDecimal value) { return PROVIDER.createValue(value); }
    public static JsonReader createReader(Reader reader) { return PROVIDER.createReader(reader); }
    public static JsonParser createParser(Reader reader) { return PROVIDER.createParser(reader); }
    public static JsonParser createParser(InputStream in) { return PROVIDER.createParser(in); }
    public static JsonGenerator createGenerator(OutputStream out) { return PROVIDER.createGenerator(out); }
    public static JsonWriterFactory createWriterFactory(Map<String, ?> config) { return PROVIDER.createWriterFactory(config); }

    /**
     * A JSON array of JSON texts, joined as they are: a batch of documents for PostgreSQL in one parameter
     * ({@code jsonb_array_elements(?::jsonb)}), with nothing escaped on the way.
     */
    public static <T> String joinArray(Iterable<T> items, Function<T, String> json) {
        StringBuilder array = new StringBuilder(64 * 1024).append('[');
        for (T item : items) {
            if (array.length() > 1) array.append(',');
            array.append(json.apply(item));
        }
        return array.append(']').toString();
    }

    public static String write(Object value) {
        return JSONB.toJson(value);
    }

    /** Parses JSON text into a JSON-P value; null and blank text read as JSON null. */
    public static JsonValue parse(String text) {
        if (text == null || text.isBlank()) return JsonValue.NULL;
        try (var reader = createReader(new StringReader(text))) {
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

    /**
     * A field's value as JSON, a null as JSON null: texts, ids and instants as strings (an instant in ISO-8601, as
     * {@link java.time.Instant#toString} writes it), numbers and booleans as themselves.
     */
    public static JsonValue orNull(Object value) {
        if (value == null) return JsonValue.NULL;
        if (value instanceof JsonValue v) return v;
        if (value instanceof Integer i) return createValue(i);
        if (value instanceof Long l) return createValue(l);
        if (value instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (value instanceof java.time.Instant || value instanceof java.util.UUID || value instanceof String) {
            return createValue(value.toString());
        }
        throw new IllegalArgumentException("no JSON form for " + value.getClass());
    }

    public static JsonArray strings(Collection<String> values) {
        JsonArrayBuilder b = createArrayBuilder();
        values.forEach(b::add);
        return b.build();
    }

    /** Prefect's error body: {"detail": "..."} */
    public static String errorBody(String detail) {
        return createObjectBuilder().add("detail", detail).build().toString();
    }
}
