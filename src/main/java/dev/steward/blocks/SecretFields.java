package dev.steward.blocks;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The secret fields a block schema lists ({@code secret_fields}: dotted paths into the data, a {@code *} standing for
 * every key at its level, e.g. {@code headers.*}), and what Prefect does with them: which values of a document are
 * secret, how an answer without secrets shows them ({@value #MASK}), and how an update that sends the mask back keeps
 * the stored value. Data is walked as Prefect's flat dict: nested objects flattened to key paths, lists kept whole.
 */
public final class SecretFields {
    /** What Prefect answers in place of a secret value (its {@code obfuscate}: eight asterisks, whatever the value). */
    public static final String MASK = "********";

    private final List<List<String>> paths;

    private SecretFields(List<List<String>> paths) {
        this.paths = paths;
    }

    static SecretFields of(JsonObject schemaFields) {
        Set<List<String>> paths = new LinkedHashSet<>();
        if (schemaFields.get("secret_fields") instanceof JsonArray list) {
            for (JsonValue v : list) {
                if (v instanceof JsonString s) paths.add(List.of(s.getString().split("\\.", -1)));
            }
        }
        return new SecretFields(List.copyOf(paths));
    }

    /** The schema's paths as Prefect writes them ({@code a.b}, {@code headers.*}). */
    Set<String> dotted() {
        Set<String> out = new LinkedHashSet<>();
        paths.forEach(p -> out.add(String.join(".", p)));
        return out;
    }

    /**
     * The flat keys of {@code data} whose values are secret, with their values. A key is secret when it lies at or
     * under a secret path (up to its {@code *}): a secret whose value is an object (Prefect's {@code Secret} holding a
     * dict, a {@code dict[str, SecretStr]}) is secret in every leaf, and a path that runs into a list (a list of models
     * with a secret field) makes the whole list secret. Prefect masks only a leaf at exactly the path; Steward seals
     * and masks all that the path covers, so that no part of a secret rests or travels in plain text.
     */
    Map<List<String>, JsonValue> secretsIn(JsonObject data) {
        Map<List<String>, JsonValue> flat = flatten(data);
        Map<List<String>, JsonValue> out = new LinkedHashMap<>();
        for (List<String> path : paths) {
            List<String> covered = path.contains("*") ? path.subList(0, path.indexOf("*")) : path;
            flat.forEach((key, value) -> {
                boolean under = key.size() >= covered.size() && key.subList(0, covered.size()).equals(covered);
                // a list on the way, or the mask an answer showed in its place (sent back by an update)
                boolean listOnTheWay = key.size() < covered.size() && covered.subList(0, key.size()).equals(key)
                        && (value instanceof JsonArray || value instanceof JsonString s && s.getString().equals(MASK));
                if ((under || listOnTheWay) && value != JsonValue.NULL) out.put(key, value);
            });
        }
        return out;
    }

    /** {@code data} with each secret value replaced by what {@code replace} makes of its key and value. */
    JsonObject replaceSecrets(JsonObject data, BiFunction<List<String>, JsonValue, JsonValue> replace) {
        Map<List<String>, JsonValue> secrets = secretsIn(data);
        if (secrets.isEmpty()) return data;
        Map<List<String>, JsonValue> flat = flatten(data);
        secrets.forEach((key, value) -> flat.put(key, replace.apply(key, value)));
        return unflatten(flat);
    }

    /** {@code data} as an answer without secrets shows it. */
    JsonObject mask(JsonObject data) {
        return replaceSecrets(data, (key, value) -> Json.createValue(MASK));
    }

    /**
     * An update's data in which each secret the client sent back masked ({@value #MASK}, as it read it) is the stored
     * value again: a client that saves every field it read does not overwrite its secrets with asterisks.
     */
    JsonObject keepMasked(JsonObject update, JsonObject current) {
        return replaceSecrets(update, (key, value) -> {
            boolean masked = value instanceof JsonString s && s.getString().equals(MASK);
            JsonValue stored = masked ? valueAt(current, key) : null;
            return stored != null ? stored : value;
        });
    }

    /** The value at {@code path} in nested objects (an object, when the path stops above leaves), or null. */
    private static JsonValue valueAt(JsonObject data, List<String> path) {
        JsonValue at = data;
        for (String key : path) {
            if (!(at instanceof JsonObject o) || !o.containsKey(key)) return null;
            at = o.get(key);
        }
        return at;
    }

    static Map<List<String>, JsonValue> flatten(JsonObject data) {
        Map<List<String>, JsonValue> out = new LinkedHashMap<>();
        flatten(data, new ArrayList<>(), out);
        return out;
    }

    private static void flatten(JsonObject object, List<String> prefix, Map<List<String>, JsonValue> out) {
        object.forEach((key, value) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(key);
            if (value instanceof JsonObject nested && !nested.isEmpty()) {
                flatten(nested, path, out);
            } else {
                out.put(List.copyOf(path), value);
            }
        });
    }

    static JsonObject unflatten(Map<List<String>, JsonValue> flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        flat.forEach((path, value) -> {
            Map<String, Object> level = root;
            for (String key : path.subList(0, path.size() - 1)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) level.computeIfAbsent(key, k -> new LinkedHashMap<>());
                level = next;
            }
            level.put(path.get(path.size() - 1), value);
        });
        return build(root);
    }

    @SuppressWarnings("unchecked")
    private static JsonObject build(Map<String, Object> map) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        map.forEach((k, v) -> b.add(k, v instanceof Map<?, ?> m ? build((Map<String, Object>) m) : (JsonValue) v));
        return b.build();
    }

    @Override
    public String toString() {
        return Arrays.toString(dotted().toArray());
    }
}
