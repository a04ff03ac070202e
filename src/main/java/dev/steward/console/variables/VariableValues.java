package dev.steward.console.variables;

import dev.steward.platform.Json;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text forms of a variable's value and tags in the console. A value is typed as JSON; text that is not valid JSON
 * is taken as a string, as Prefect's CLI does ({@code prefect variable set name value}). When the console shows a
 * string for editing it shows it bare if reading it back gives the same string, and quoted otherwise (a string
 * {@code "42"} must not come back as the number 42).
 */
public final class VariableValues {
    private static final jakarta.json.JsonWriterFactory PRETTY =
            Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private VariableValues() {}

    /** The value typed in the form: JSON if the whole text is one JSON value, else the text as a string. */
    public static JsonValue parse(String text) {
        return json(text).orElseGet(() -> Json.createValue(text));
    }

    /** The text as exactly one JSON value (surrounding white space allowed), or empty when it is not JSON. */
    static Optional<JsonValue> json(String text) {
        if (text == null || text.isBlank()) return Optional.empty();
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            parser.next();
            JsonValue value = parser.getValue();
            // the parser stops after one value; anything after it ("123abc", "{} x") means the text is not JSON
            return parser.hasNext() ? Optional.empty() : Optional.of(value);
        } catch (JsonParsingException | java.util.NoSuchElementException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** A stored value (JSON text) for editing: pretty-printed structures, bare strings where that reads back the same. */
    public static String forEditing(String storedJson) {
        JsonValue value = json(storedJson).orElse(JsonValue.NULL);
        if (value instanceof JsonString s) {
            String bare = s.getString();
            return parse(bare).equals(s) ? bare : value.toString();
        }
        if (value.getValueType() == JsonValue.ValueType.OBJECT || value.getValueType() == JsonValue.ValueType.ARRAY) {
            StringWriter out = new StringWriter();
            try (var writer = PRETTY.createWriter(out)) {
                writer.write(value);
            }
            return out.toString().strip();
        }
        return value.toString();
    }

    /** A stored value (JSON text) in compact form, for the grid. */
    public static String compact(String storedJson) {
        return json(storedJson).map(JsonValue::toString).orElse(storedJson == null ? "null" : storedJson);
    }

    /** Comma-separated tags: trimmed, empty ones dropped, duplicates once, in the order typed. */
    public static List<String> tags(String text) {
        Set<String> tags = new LinkedHashSet<>();
        if (text != null) {
            for (String part : text.split(",")) {
                String tag = part.strip();
                if (!tag.isEmpty()) tags.add(tag);
            }
        }
        return new ArrayList<>(tags);
    }
}
