package dev.steward.platform;

import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request body read field by field, so that a wrong type or a missing field is answered with a 422 that names the
 * field (as FastAPI does for Prefect) instead of a generic binding error.
 */
public final class Body {
    private final JsonObject json;
    private final String path;

    private Body(JsonObject json, String path) {
        this.json = json;
        this.path = path;
    }

    /** A JSON object already parsed (an event's payload, say). */
    public static Body of(JsonObject json) {
        return new Body(json, "");
    }

    /**
     * A JSON object found at {@code path} of a request body (dotted, e.g. {@code actions.0}), so that a 422 about one
     * of its fields names where it is in the request.
     */
    public static Body at(JsonObject json, String path) {
        return new Body(json, path == null ? "" : path);
    }

    /** Parses raw request text; an empty body reads as {}. */
    public static Body parse(String text) {
        if (text == null || text.isBlank()) {
            return new Body(JsonValue.EMPTY_JSON_OBJECT, "");
        }
        JsonValue value = value(text);
        if (!(value instanceof JsonObject object)) {
            throw InvalidInput.field("", "The request body must be a JSON object");
        }
        return new Body(object, "");
    }

    /** Parses a body that is any JSON value (e.g. a template sent as a JSON string); malformed text is a 422. */
    public static JsonValue value(String text) {
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field("", "Malformed JSON: " + e.getCause().getMessage());
        }
    }

    public JsonObject json() { return json; }

    /** What a 422 for a NUL says; PostgreSQL's text and jsonb cannot store U+0000, so no field may hold one. */
    public static final String NUL_MESSAGE = "Text must not contain a NUL character (\\u0000)";

    /**
     * Refuses JSON text with a NUL character in any string or key, with a 422 naming where it is ({@code root} first:
     * "body", or "frame" for a WebSocket frame). JSON carries a NUL only as the six characters backslash-u-0000 (a raw
     * one is malformed), so text without that sequence is passed without walking its tree.
     */
    public static void refuseNul(String text, String root) {
        if (text == null || text.indexOf("\\u0000") < 0 && text.indexOf('\0') < 0) return;
        JsonValue parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException malformed) {
            return; // the reader of the text says what is wrong with it
        }
        List<String> at = nulAt(parsed, new ArrayList<>(List.of(root)));
        if (at != null) throw InvalidInput.at(at, NUL_MESSAGE, "string_type");
    }

    /** The path to the first string or key holding a NUL (a key as itself, its NUL shown escaped), else null. */
    static List<String> nulAt(JsonValue value, List<String> path) {
        if (value instanceof JsonString s) return s.getString().indexOf('\0') >= 0 ? path : null;
        if (value instanceof JsonObject o) {
            for (var entry : o.entrySet()) {
                path.add(entry.getKey().replace("\0", "\\u0000"));
                if (entry.getKey().indexOf('\0') >= 0 || nulAt(entry.getValue(), path) != null) return path;
                path.remove(path.size() - 1);
            }
        } else if (value instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                path.add(Integer.toString(i));
                if (nulAt(a.get(i), path) != null) return path;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    public boolean has(String field) {
        return json.containsKey(field);
    }

    /** Where a field of this body sits in the request, as a 422 names it (e.g. "flow_runs.state.type"). */
    public String location(String field) {
        return at(field);
    }

    private String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonValue present(String field) {
        JsonValue v = json.get(field);
        return v == null || v.getValueType() == JsonValue.ValueType.NULL ? null : v;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> InvalidInput.missing(at(field)));
    }

    public Optional<String> optionalString(String field) {
        JsonValue v = present(field);
        if (v == null) return Optional.empty();
        if (!(v instanceof JsonString s)) throw InvalidInput.field(at(field), "Input should be a valid string");
        return Optional.of(s.getString());
    }

    /** The raw JSON of a field, JSON null when it is absent or null. */
    public JsonValue raw(String field) {
        JsonValue v = json.get(field);
        return v == null ? JsonValue.NULL : v;
    }

    public Optional<List<String>> optionalStrings(String field) {
        JsonValue v = present(field);
        if (v == null) return Optional.empty();
        if (!(v instanceof JsonArray array)) throw InvalidInput.field(at(field), "Input should be a valid list");
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonString s)) {
                throw InvalidInput.field(at(field) + "." + i, "Input should be a valid string");
            }
            out.add(s.getString());
        }
        return Optional.of(out);
    }

    public int integer(String field, int defaultValue, int min, int max) {
        JsonValue v = present(field);
        if (v == null) return defaultValue;
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw InvalidInput.field(at(field), "Input should be a valid integer");
        }
        // compared as BigDecimal: a huge integer must not wrap around into the range
        java.math.BigDecimal value = n.bigDecimalValue();
        if (value.compareTo(java.math.BigDecimal.valueOf(min)) < 0) {
            throw InvalidInput.field(at(field), "Input should be greater than or equal to " + min);
        }
        if (value.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw InvalidInput.field(at(field), "Input should be less than or equal to " + max);
        }
        return value.intValueExact();
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonValue v = present(field);
        if (v == null) return Optional.empty();
        if (v == JsonValue.TRUE) return Optional.of(true);
        if (v == JsonValue.FALSE) return Optional.of(false);
        throw InvalidInput.field(at(field), "Input should be a valid boolean");
    }

    /** A JSON number (integral or not) within [min, max]; absent or null gives {@code defaultValue}. */
    public double number(String field, double defaultValue, double min, double max) {
        JsonValue v = present(field);
        if (v == null) return defaultValue;
        if (!(v instanceof JsonNumber n)) throw InvalidInput.field(at(field), "Input should be a valid number");
        double value = n.doubleValue();
        if (value < min) throw InvalidInput.field(at(field), "Input should be greater than or equal to " + plain(min));
        if (value > max) throw InvalidInput.field(at(field), "Input should be less than or equal to " + plain(max));
        return value;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** Python's datetime range, which Prefect's DateTime is bound to. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /**
     * An ISO 8601 date-time in years 1 to 9999; one without an offset is UTC, as Prefect's DateTime reads it. A space
     * may separate date and time, as pydantic allows (Python's {@code str(datetime)}, which a worker sends, has one).
     */
    public Optional<Instant> optionalInstant(String field) {
        Optional<Instant> instant = optionalString(field).map(Body::withT).map(s -> {
            try {
                return Timestamps.parse(s);
            } catch (DateTimeParseException e) {
                try {
                    return java.time.LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC);
                } catch (DateTimeParseException e2) {
                    throw InvalidInput.field(at(field), "Input should be a valid datetime");
                }
            }
        });
        if (instant.isPresent() && (instant.get().isBefore(EARLIEST) || instant.get().isAfter(LATEST))) {
            throw InvalidInput.field(at(field), "Input should be a valid datetime, year out of range");
        }
        return instant;
    }

    private static String withT(String s) {
        return s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    }

    /** A required ISO 8601 date-time (see {@link #optionalInstant}). */
    public Instant requiredInstant(String field) {
        return optionalInstant(field).orElseThrow(() -> InvalidInput.missing(at(field)));
    }

    /** A number (int or float, as pydantic's float takes them); absent or null gives {@code defaultValue}. */
    public double number(String field, double defaultValue) {
        JsonValue v = present(field);
        if (v == null) return defaultValue;
        if (!(v instanceof JsonNumber n)) throw InvalidInput.field(at(field), "Input should be a valid number");
        double d = n.doubleValue();
        if (!Double.isFinite(d)) throw InvalidInput.field(at(field), "Input should be a finite number");
        return d;
    }

    /** A list of UUIDs; a malformed one is a 422 at the field. */
    /** A UUID given as a string; absent is a 422 "Field required", malformed a 422 at the field. */
    public java.util.UUID requiredUuid(String field) {
        return optionalUuid(field).orElseThrow(() -> InvalidInput.missing(at(field)));
    }

    public Optional<java.util.UUID> optionalUuid(String field) {
        return optionalString(field).map(value -> uuids(List.of(value), at(field)).get(0));
    }

    public Optional<List<java.util.UUID>> optionalUuids(String field) {
        return optionalStrings(field).map(values -> uuids(values, at(field)));
    }

    /** A field sent as JSON null, which Prefect's schemas tell apart from an absent one where the default is not null. */
    public boolean isExplicitNull(String field) {
        return json.get(field) == JsonValue.NULL;
    }

    /** UUIDs given as strings; a malformed one is a 422 at {@code location}. */
    public static List<java.util.UUID> uuids(List<String> values, String location) {
        List<java.util.UUID> out = new ArrayList<>(values.size());
        for (String value : values) {
            out.add(UuidParameters.parse(value)
                    .orElseThrow(() -> InvalidInput.field(location, "Input should be a valid UUID")));
        }
        return out;
    }

    /** A nested object as a Body (absent or null reads as {}). */
    public Body object(String field) {
        JsonValue v = present(field);
        if (v == null) return new Body(JsonValue.EMPTY_JSON_OBJECT, at(field));
        if (!(v instanceof JsonObject o)) throw InvalidInput.field(at(field), "Input should be a valid dictionary");
        return new Body(o, at(field));
    }

    /** Each element of a list of objects, as a Body (absent or null reads as an empty list). */
    public List<Body> objectList(String field) {
        JsonValue v = present(field);
        if (v == null) return List.of();
        if (!(v instanceof JsonArray array)) throw InvalidInput.field(at(field), "Input should be a valid list");
        List<Body> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject o)) {
                throw InvalidInput.field(at(field) + "." + i, "Input should be a valid dictionary");
            }
            out.add(new Body(o, at(field) + "." + i));
        }
        return out;
    }

    /** A field limited to a set of names, e.g. a sort order. */
    public <E extends Enum<E>> E enumValue(String field, Class<E> type, E defaultValue) {
        Optional<String> name = optionalString(field);
        if (name.isEmpty()) return defaultValue;
        try {
            return Enum.valueOf(type, name.get());
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) allowed.add(c.name());
            throw InvalidInput.field(at(field), "Input should be one of " + allowed);
        }
    }

    /** Rejects fields not in {@code allowed}; an unknown field sent as null is as good as absent. */
    public void rejectUnknown(List<String> allowed) {
        for (var entry : json.entrySet()) {
            if (!allowed.contains(entry.getKey()) && entry.getValue().getValueType() != JsonValue.ValueType.NULL) {
                throw InvalidInput.field(at(entry.getKey()), "Extra inputs are not permitted");
            }
        }
    }
}
