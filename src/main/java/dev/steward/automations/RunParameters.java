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
 * A run-deployment action's parameters, hydrated as Prefect's {@code RunDeployment} hydrates them
 * (prefect/server/events/actions.py, prefect/utilities/schema_tools/hydration.py): plain strings that look like
 * templates are first upgraded to Jinja placeholders ("v1" templates), then every {@code {"__prefect_kind": ...}}
 * placeholder is filled: {@code none} stands for its {@code value}, {@code json} parses it, {@code jinja} renders its
 * {@code template} and {@code workspace_variable} reads the variable named {@code variable_name}. One walker serves
 * both of Prefect's uses: {@link #problems} when the action is saved (placeholders checked, nothing rendered) and
 * {@link #render} when it runs. Job variables are not hydrated: Prefect 3.9 passes them as given.
 */
final class RunParameters {
    private RunParameters() {}

    /** What rendering reads in the automation's workspace. */
    interface Workspace {
        /** The template context for these templates (the objects they name, read only then). */
        Map<String, Object> context(List<String> templates);

        /** The variable's value, if the workspace has a variable of that name. */
        Optional<JsonValue> variable(String name);
    }

    /** A placeholder that could not be filled when rendering; the message is Prefect's HydrationError's. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** What hydrating a placeholder gives, where it is not a plain value. */
    private sealed interface Placeholder {}

    /** Left out of its parent (a json or workspace_variable placeholder without its key). */
    private record Remove() implements Placeholder {}

    /** A valid template, rendered when the action runs. */
    private record ValidJinja(String template) implements Placeholder {}

    /** A variable, read when the action runs. */
    private record WorkspaceVariable() implements Placeholder {}

    /** Prefect's HydrationError. */
    private record Problem(String message) implements Placeholder {}

    /** How a walk fills what needs the workspace: left pending when checking, filled in when rendering. */
    private interface Filling {
        Templates templates();

        /** A template whose syntax is fine. */
        Object template(String source);

        Object variable(Object name);

        /** Prefect's {@code raise_on_error}: rendering stops at the first problem, checking collects them all. */
        boolean stopsAtProblems();
    }

    private record Checking(Templates templates) implements Filling {
        @Override
        public Object template(String source) {
            return new ValidJinja(source);
        }

        @Override
        public Object variable(Object name) {
            return new WorkspaceVariable();
        }

        @Override
        public boolean stopsAtProblems() {
            return false;
        }
    }

    private record Rendering(Templates templates, Map<String, Object> context, Workspace workspace) implements Filling {
        @Override
        public Object template(String source) {
            try {
                return Json.createValue(templates.render(source, context));
            } catch (Templates.RenderFailed e) {
                return new Problem("Invalid jinja: Failed to render template due to the following error: " + e.getMessage());
            }
        }

        @Override
        public Object variable(Object name) {
            // a name that is not text names no variable (Prefect looks it up as it is, and finds none)
            String text = name instanceof JsonString s ? s.getString() : toJson(name).toString();
            Optional<JsonValue> value = name instanceof JsonString ? workspace.variable(text) : Optional.empty();
            return value.isPresent() ? value.get() : new Problem("Variable '" + text + "' not found in workspace.");
        }

        @Override
        public boolean stopsAtProblems() {
            return true;
        }
    }

    /**
     * The problems, each as Prefect words it: "key.path: message" (an empty path for the parameters as a whole gives
     * " message"). Problems inside a list are not reported: Prefect's collector never looks into lists.
     */
    static List<String> problems(JsonObject parameters) {
        Object hydrated = hydrate(upgrade(parameters), new Checking(Templates.defaults()));
        if (hydrated instanceof Remove) hydrated = Map.of();
        Map<String, String> problems = new LinkedHashMap<>();
        collect(hydrated, "", problems);
        List<String> out = new ArrayList<>();
        problems.forEach((key, message) -> out.add((key.isEmpty() ? "" : key + ":") + " " + message));
        return out;
    }

    /**
     * The parameters as the run gets them, in Prefect's two passes: a check that finds the templates (so that the
     * context reads only the objects they name), then the rendering, which stops at the first problem. A variable is
     * read when its placeholder is filled (Prefect reads the names it found in the first pass, so a name that is
     * itself a template never finds its variable there).
     *
     * @throws Invalid at the first placeholder that cannot be filled
     */
    static JsonObject render(JsonObject parameters, Templates templates, Workspace workspace) {
        JsonObject upgraded = upgrade(parameters);
        List<String> sources = new ArrayList<>();
        templatesIn(hydrate(upgraded, new Checking(templates)), sources);
        Object rendered = hydrate(upgraded, new Rendering(templates, workspace.context(sources), workspace));
        if (rendered instanceof Remove) return JsonValue.EMPTY_JSON_OBJECT;
        // a placeholder at the top that stands for something else than a dict (Prefect's run create refuses it)
        if (!(rendered instanceof Map<?, ?>)) throw new Invalid("The parameters must be a dictionary");
        return toJson(rendered).asJsonObject();
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

    // --- hydration (prefect/utilities/schema_tools/hydration.py) -----------------------------------------------------

    private static Object hydrate(JsonValue value, Filling fill) {
        if (value instanceof JsonObject o && o.containsKey("__prefect_kind")) {
            Object filled = placeholder(o, fill);
            if (filled instanceof Problem p && fill.stopsAtProblems()) throw new Invalid(p.message());
            return filled;
        }
        if (value instanceof JsonObject o) {
            Map<String, Object> out = new LinkedHashMap<>();
            o.forEach((k, v) -> {
                Object h = hydrate(v, fill);
                if (!(h instanceof Remove)) out.put(k, h);
            });
            return out;
        }
        if (value instanceof JsonArray a) {
            List<Object> out = new ArrayList<>();
            for (JsonValue v : a) {
                Object h = hydrate(v, fill);
                if (!(h instanceof Remove)) out.add(h);
            }
            return out;
        }
        return value;
    }

    private static Object placeholder(JsonObject o, Filling fill) {
        String kind = o.get("__prefect_kind") instanceof JsonString s ? s.getString() : null;
        if (kind == null) return o.getOrDefault("value", JsonValue.NULL);
        switch (kind) {
            case "none":
                return o.containsKey("value") ? hydrate(o.get("value"), fill) : new Problem("Missing 'value' key in __prefect object");
            case "json": {
                if (!o.containsKey("value")) return new Remove();
                JsonValue raw = o.get("value");
                Object value = raw instanceof JsonObject ? hydrate(raw, fill) : raw;
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
                Object template = raw instanceof JsonObject ? hydrate(raw, fill) : raw;
                if (template instanceof Placeholder) return template;
                if (!(template instanceof JsonString s)) return new Problem("Invalid jinja: the template must be a string");
                Optional<String> error = fill.templates().syntaxError(s.getString());
                return error.<Object>map(e -> new Problem("Invalid jinja: " + e)).orElseGet(() -> fill.template(s.getString()));
            }
            case "workspace_variable": {
                if (!o.containsKey("variable_name")) return new Remove();
                JsonValue raw = o.get("variable_name");
                Object name = raw instanceof JsonObject ? hydrate(raw, fill) : raw;
                if (name instanceof Placeholder) return name;
                return fill.variable(name);
            }
            default:
                // a kind Prefect has no handler for stands for its value, as it is
                return o.getOrDefault("value", JsonValue.NULL);
        }
    }

    /** The templates a check found, wherever they are. */
    private static void templatesIn(Object hydrated, List<String> out) {
        if (hydrated instanceof ValidJinja jinja) out.add(jinja.template());
        else if (hydrated instanceof Map<?, ?> map) map.values().forEach(v -> templatesIn(v, out));
        else if (hydrated instanceof List<?> list) list.forEach(v -> templatesIn(v, out));
    }

    /** A rendered value as JSON (only plain values, dicts and lists are left once rendering is done). */
    private static JsonValue toJson(Object hydrated) {
        if (hydrated instanceof Map<?, ?> map) {
            JsonObjectBuilder out = Json.createObjectBuilder();
            map.forEach((k, v) -> out.add((String) k, toJson(v)));
            return out.build();
        }
        if (hydrated instanceof List<?> list) {
            JsonArrayBuilder out = Json.createArrayBuilder();
            list.forEach(v -> out.add(toJson(v)));
            return out.build();
        }
        return (JsonValue) hydrated;
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
