package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check Prefect makes of a run-deployment action's parameters when the action is created (its
 * {@code RunDeployment.validate_parameters}): plain strings that look like templates are first upgraded to Jinja
 * placeholders ("v1" templates), then every {@code {"__prefect_kind": ...}} placeholder is checked without being
 * rendered: {@code none} and {@code json} need a {@code value} (a json one that parses), {@code jinja} a
 * {@code template} that is a valid template. Rendering them when the action runs is not done here.
 */
final class RunParameters {
    private RunParameters() {}

    /** What hydrating a placeholder without rendering gives, where it is not a plain value. */
    private sealed interface Placeholder {}

    /** Left out of its parent (a json or workspace_variable placeholder without its key). */
    private record Remove() implements Placeholder {}

    /** A template or a variable name that will be filled in when the action runs. */
    private record Pending() implements Placeholder {}

    /** Prefect's HydrationError. */
    private record Problem(String message) implements Placeholder {}

    /**
     * The problems, each as Prefect words it: "key.path: message" (an empty path for the parameters as a whole gives
     * " message"). Problems inside a list are not reported: Prefect's collector never looks into lists.
     */
    static List<String> problems(JsonObject parameters) {
        Object hydrated = hydrate(upgrade(parameters));
        if (hydrated instanceof Remove) hydrated = Map.of();
        Map<String, String> problems = new LinkedHashMap<>();
        collect(hydrated, "", problems);
        List<String> out = new ArrayList<>();
        problems.forEach((key, message) -> out.add((key.isEmpty() ? "" : key + ":") + " " + message));
        return out;
    }

    // --- v1 templates: a plain string with "{{" or "{%" becomes a jinja placeholder ---------------------------------

    private static JsonObject upgrade(JsonObject parameters) {
        JsonObjectBuilder out = Json.createObjectBuilder();
        parameters.forEach((key, value) -> {
            if (value instanceof JsonObject o) {
                // a placeholder already is one: it is neither upgraded nor looked into
                out.add(key, o.containsKey("__prefect_kind") ? o : upgrade(o));
            } else if (value instanceof JsonArray list) {
                JsonArrayBuilder items = Json.createArrayBuilder();
                for (JsonValue item : list) {
                    // (Prefect looks into every dict of a list, placeholder or not)
                    if (item instanceof JsonObject o) items.add(upgrade(o));
                    else if (item instanceof JsonString s && Templates.maybeTemplate(s.getString())) items.add(wrap(s.getString()));
                    else items.add(item);
                }
                out.add(key, items);
            } else if (value instanceof JsonString s && Templates.maybeTemplate(s.getString())) {
                out.add(key, wrap(s.getString()));
            } else {
                out.add(key, value);
            }
        });
        return out.build();
    }

    /** A lone "{{ expression }}" keeps its value's type (rendered through tojson, read back as JSON); else text. */
    private static JsonObject wrap(String template) {
        String stripped = template.strip();
        if (stripped.startsWith("{{") && stripped.endsWith("}}") && stripped.indexOf("{{", 2) < 0) {
            String inner = stripped.substring(2, stripped.length() - 2).strip();
            return Json.createObjectBuilder().add("__prefect_kind", "json").add("value", Json.createObjectBuilder()
                    .add("__prefect_kind", "jinja").add("template", "{{ " + inner + " | tojson }}")).build();
        }
        return Json.createObjectBuilder().add("__prefect_kind", "jinja").add("template", template).build();
    }

    // --- hydration without rendering (prefect/utilities/schema_tools/hydration.py) -----------------------------------

    private static Object hydrate(JsonValue value) {
        if (value instanceof JsonObject o && o.containsKey("__prefect_kind")) return placeholder(o);
        if (value instanceof JsonObject o) {
            Map<String, Object> out = new LinkedHashMap<>();
            o.forEach((k, v) -> {
                Object h = hydrate(v);
                if (!(h instanceof Remove)) out.put(k, h);
            });
            return out;
        }
        if (value instanceof JsonArray a) {
            List<Object> out = new ArrayList<>();
            for (JsonValue v : a) {
                Object h = hydrate(v);
                if (!(h instanceof Remove)) out.add(h);
            }
            return out;
        }
        return value;
    }

    private static Object placeholder(JsonObject o) {
        String kind = o.get("__prefect_kind") instanceof JsonString s ? s.getString() : null;
        if (kind == null) return o.getOrDefault("value", JsonValue.NULL);
        switch (kind) {
            case "none":
                return o.containsKey("value") ? hydrate(o.get("value")) : new Problem("Missing 'value' key in __prefect object");
            case "json": {
                if (!o.containsKey("value")) return new Remove();
                JsonValue raw = o.get("value");
                Object value = raw instanceof JsonObject ? hydrate(raw) : raw;
                if (value instanceof Placeholder || !(value instanceof JsonString s)) return value;
                if (s.getString().isBlank()) return new Problem("Invalid JSON: Expecting value"); // as Python's json
                try {
                    return Json.parse(s.getString());
                } catch (RuntimeException e) {
                    return new Problem("Invalid JSON: " + jsonProblem(e));
                }
            }
            case "jinja": {
                if (!o.containsKey("template")) return new Problem("Missing 'template' key in __prefect object");
                JsonValue raw = o.get("template");
                Object template = raw instanceof JsonObject ? hydrate(raw) : raw;
                if (template instanceof Placeholder) return template;
                if (!(template instanceof JsonString s)) return new Problem("Invalid jinja: the template must be a string");
                Optional<String> error = Templates.defaults().syntaxError(s.getString());
                return error.<Object>map(e -> new Problem("Invalid jinja: " + e)).orElseGet(Pending::new);
            }
            case "workspace_variable": {
                if (!o.containsKey("variable_name")) return new Remove();
                JsonValue raw = o.get("variable_name");
                Object name = raw instanceof JsonObject ? hydrate(raw) : raw;
                return name instanceof Placeholder ? name : new Pending();
            }
            default:
                // a kind Prefect has no handler for stands for its value, as it is
                return o.getOrDefault("value", JsonValue.NULL);
        }
    }

    private static String jsonProblem(RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? "not JSON" : cause.getMessage();
    }

    private static void collect(Object hydrated, String prefix, Map<String, String> problems) {
        if (hydrated instanceof Problem p) problems.put(prefix, p.message());
        if (hydrated instanceof Placeholder || !(hydrated instanceof Map<?, ?> map)) return;
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?>) collect(value, prefix + key + ".", problems);
            else if (value instanceof Problem p) problems.put(prefix + key, p.message());
        });
    }
}
