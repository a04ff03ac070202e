package dev.steward.console.blocks;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One top-level property of a block schema as the form edits it: its key, label, help, the kind of input, whether
 * the schema requires it, for a nested block the types whose documents it may reference, and the schema's default
 * (JSON text, null when none) that a new document starts with.
 */
record BlockField(String key, String label, String description, Kind kind, boolean required,
                  List<String> blockTypeSlugs, String defaultJson) implements Serializable {

    enum Kind { TEXT, SECRET, INTEGER, NUMBER, BOOLEAN, JSON, REFERENCE }

    /**
     * The schema's {@code properties}, in its order. A property is a nested block when {@code block_schema_references}
     * names it or its {@code $ref} leads to a definition with a {@code block_type_slug}; it is secret when
     * {@code secret_fields} lists it or it is a password ({@code format: password} or {@code writeOnly}). Pydantic
     * writes an optional or union type as {@code anyOf}/{@code oneOf}/{@code allOf}: the first alternative that is not
     * {@code null} decides the input. Secrets nested deeper (e.g. {@code extra.token}) stay inside their JSON text,
     * where the service masks and keeps them.
     */
    static List<BlockField> of(JsonObject schema) {
        JsonObject properties = object(schema.get("properties"));
        Set<String> required = strings(schema.get("required"));
        Set<String> secrets = strings(schema.get("secret_fields"));
        JsonObject references = object(schema.get("block_schema_references"));
        List<BlockField> out = new ArrayList<>();
        properties.forEach((key, value) -> {
            JsonObject property = object(value);
            List<JsonObject> alternatives = alternatives(schema, property);
            Set<String> slugs = new LinkedHashSet<>(slugs(references.get(key)));
            for (JsonObject a : alternatives) {
                if (a.get("block_type_slug") instanceof JsonString s) slugs.add(s.getString());
            }
            JsonObject shape = alternatives.stream().filter(a -> !"null".equals(a.getString("type", "")))
                    .findFirst().orElse(property);
            Kind kind;
            if (!slugs.isEmpty()) kind = Kind.REFERENCE;
            // only what the service seals and masks: a password input left empty sends the mask back, which the
            // service turns into the stored value only for the schema's secret fields
            else if (secrets.contains(key)) kind = Kind.SECRET;
            else kind = switch (shape.getString("type", "")) {
                case "string" -> Kind.TEXT;
                case "integer" -> Kind.INTEGER;
                case "number" -> Kind.NUMBER;
                case "boolean" -> Kind.BOOLEAN;
                default -> Kind.JSON;
            };
            // the property's own title and help: a nested model's or block's name its class, not the field
            String label = property.getString("title", key);
            String description = property.getString("description", "");
            JsonValue defaultValue = property.containsKey("default") ? property.get("default") : shape.get("default");
            out.add(new BlockField(key, label, description, kind, required.contains(key), List.copyOf(slugs),
                    defaultValue == null ? null : defaultValue.toString()));
        });
        return out;
    }

    /** The property and, through {@code $ref} and the combinators, every schema it may take (definitions resolved). */
    private static List<JsonObject> alternatives(JsonObject schema, JsonObject property) {
        List<JsonObject> out = new ArrayList<>();
        collect(schema, property, out, 0);
        return out;
    }

    private static void collect(JsonObject schema, JsonObject node, List<JsonObject> out, int depth) {
        if (depth > 8) return; // a definition that refers to itself
        if (node.get("$ref") instanceof JsonString ref) {
            collect(schema, definition(schema, ref.getString()), out, depth + 1);
            return;
        }
        boolean combined = false;
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (node.get(combinator) instanceof JsonArray options) {
                combined = true;
                for (JsonValue o : options) collect(schema, object(o), out, depth + 1);
            }
        }
        if (!combined) out.add(node);
    }

    /** {@code #/definitions/Name} (pydantic 1) or {@code #/$defs/Name} (pydantic 2); empty when not found. */
    private static JsonObject definition(JsonObject schema, String ref) {
        String[] parts = ref.replaceFirst("^#/", "").split("/");
        JsonValue at = schema;
        for (String part : parts) at = at instanceof JsonObject o ? o.get(part) : null;
        return object(at);
    }

    /** A block_schema_references entry: one {block_type_slug, ...} or a list of them (a union of block types). */
    private static List<String> slugs(JsonValue reference) {
        List<String> out = new ArrayList<>();
        List<JsonValue> entries = reference instanceof JsonArray a ? a
                : reference == null ? List.of() : List.of(reference);
        for (JsonValue e : entries) {
            if (e instanceof JsonObject o && o.get("block_type_slug") instanceof JsonString s) out.add(s.getString());
        }
        return out;
    }

    private static JsonObject object(JsonValue value) {
        return value instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static Set<String> strings(JsonValue value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof JsonArray a) {
            for (JsonValue v : a) if (v instanceof JsonString s) out.add(s.getString());
        }
        return out;
    }

    /** {@link #of(JsonObject)} for a schema as stored (JSON text). */
    static List<BlockField> of(String schemaJson) {
        return of(Json.parseObject(schemaJson));
    }
}
