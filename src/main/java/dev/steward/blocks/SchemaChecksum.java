package dev.steward.blocks;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A block schema's checksum as Prefect's client computes it ({@code Block._calculate_schema_checksum}), so that the
 * client finds by checksum the schema it registered: {@code "sha256:" + sha256(json.dumps([[fields], {}],
 * sort_keys=True))} over the fields without any {@code secret_fields} key, keeping only the definitions that are not
 * blocks and that the fields refer to (directly or through other definitions), or none.
 *
 * <p>The text hashed must be byte for byte what Python's {@code json.dumps} writes (", " and ": " separators, keys in
 * code point order, non-ASCII escaped as {@code \\uXXXX}); no Java JSON library writes that form, hence
 * {@link #pythonJson}.
 */
final class SchemaChecksum {
    private SchemaChecksum() {}

    static String of(JsonObject fields) {
        JsonObject forChecksum = (JsonObject) withoutKey(fields, "secret_fields");
        if (forChecksum.get("definitions") instanceof JsonObject definitions && !definitions.isEmpty()) {
            Map<String, JsonValue> kept = new LinkedHashMap<>();
            keepNonBlockDefinitions(forChecksum, definitions, kept);
            Map<String, JsonValue> copy = new LinkedHashMap<>(forChecksum);
            if (kept.isEmpty()) {
                copy.remove("definitions");
            } else {
                copy.put("definitions", dev.steward.platform.Json.createObjectBuilder(kept).build());
            }
            forChecksum = dev.steward.platform.Json.createObjectBuilder(copy).build();
        } else if (forChecksum.containsKey("definitions")) {
            Map<String, JsonValue> copy = new LinkedHashMap<>(forChecksum);
            copy.remove("definitions");
            forChecksum = dev.steward.platform.Json.createObjectBuilder(copy).build();
        }
        StringBuilder text = new StringBuilder("[[");
        pythonJson(forChecksum, text);
        text.append("], {}]");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private static JsonValue withoutKey(JsonValue value, String key) {
        if (!(value instanceof JsonObject object)) return value; // lists are left as they are, as Prefect does
        Map<String, JsonValue> out = new LinkedHashMap<>();
        object.forEach((k, v) -> {
            if (!k.equals(key)) out.put(k, withoutKey(v, key));
        });
        return dev.steward.platform.Json.createObjectBuilder(out).build();
    }

    /** Adds to {@code kept} each non-empty, non-block definition that {@code object} refers to, and theirs in turn. */
    private static void keepNonBlockDefinitions(JsonValue object, JsonObject definitions, Map<String, JsonValue> kept) {
        for (String ref : refs(object, new java.util.ArrayList<>())) {
            String key = ref.replace("#/definitions/", "");
            JsonValue definition = definitions.get(key);
            if (definition instanceof JsonObject d && !d.isEmpty() && (!d.containsKey("block_type_slug")
                    || d.get("block_type_slug") == JsonValue.NULL) && !kept.containsKey(key)) {
                kept.put(key, d);
                keepNonBlockDefinitions(d, definitions, kept);
            }
        }
    }

    private static java.util.List<String> refs(JsonValue value, java.util.List<String> found) {
        if (value instanceof JsonObject object) {
            if (object.get("$ref") instanceof JsonString ref) found.add(ref.getString());
            object.values().forEach(v -> refs(v, found));
        } else if (value instanceof JsonArray array) {
            array.forEach(v -> refs(v, found));
        }
        return found;
    }

    /** Python's {@code json.dumps(value, sort_keys=True)}. */
    static void pythonJson(JsonValue value, StringBuilder out) {
        switch (value.getValueType()) {
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (var e : new TreeMap<>(value.asJsonObject()).entrySet()) {
                    if (!first) out.append(", ");
                    first = false;
                    pythonString(e.getKey(), out);
                    out.append(": ");
                    pythonJson(e.getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                boolean first = true;
                for (JsonValue v : value.asJsonArray()) {
                    if (!first) out.append(", ");
                    first = false;
                    pythonJson(v, out);
                }
                out.append(']');
            }
            case STRING -> pythonString(((JsonString) value).getString(), out);
            case NUMBER -> out.append(pythonNumber((JsonNumber) value));
            case TRUE -> out.append("true");
            case FALSE -> out.append("false");
            case NULL -> out.append("null");
        }
    }

    /** Integers as they are; other numbers as Python's repr of the float (schemas hold few: defaults, bounds). */
    private static String pythonNumber(JsonNumber number) {
        if (number.isIntegral() && number.toString().indexOf('.') < 0 && number.toString().indexOf('e') < 0
                && number.toString().indexOf('E') < 0) {
            return number.bigIntegerValue().toString();
        }
        double d = number.doubleValue();
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        String java = Double.toString(d); // shortest round-trip digits, as Python's repr
        int e = java.indexOf('E');
        if (e < 0) return java;
        // Java writes 1.0E16 / 1.5E-7; Python writes 1e+16 / 1.5e-07
        String mantissa = java.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        int exponent = Integer.parseInt(java.substring(e + 1));
        if (exponent >= -4 && exponent < 16) { // Python writes these plainly, and a float always with a point
            String plain = new java.math.BigDecimal(java).stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    private static void pythonString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7f) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
