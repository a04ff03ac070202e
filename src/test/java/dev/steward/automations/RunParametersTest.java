package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run-deployment action's parameters rendered when it runs, each case's answer being what Prefect 3.9's
 * {@code _upgrade_v1_templates} and {@code hydrate} give for the same parameters, variables and context.
 */
class RunParametersTest {
    static final Map<String, JsonValue> VARIABLES = Map.of(
            "limit", Json.createValue(10),
            "config", Json.parse("{\"a\": [1, 2]}"),
            "who", Json.createValue("ops"));

    static final Map<String, Object> CONTEXT = Map.of("event", Map.of(
            "resource", Map.of("prefect.resource.id", "steward.test.1", "prefect.resource.name", "fox"),
            "payload", Map.of("count", 3, "tags", List.of("a", "b"))));

    /** The templates each render asked a context for. */
    final List<List<String>> asked = new ArrayList<>();

    final RunParameters.Workspace workspace = new RunParameters.Workspace() {
        @Override
        public Map<String, Object> context(List<String> templates) {
            asked.add(templates);
            return CONTEXT;
        }

        @Override
        public Optional<JsonValue> variable(String name) {
            return Optional.ofNullable(VARIABLES.get(name));
        }
    };

    JsonObject render(String parameters) {
        return RunParameters.render(Json.parseObject(parameters), new Templates(), workspace);
    }

    String failure(String parameters) {
        return assertThrows(RunParameters.Invalid.class, () -> render(parameters)).getMessage();
    }

    @Test
    void v1TemplatesKeepALoneExpressionsTypeAndRenderTextAsText() {
        assertEquals(Json.parse("{\"count\": 3, \"greeting\": \"Hello fox\", \"tags\": [\"a\", \"b\"], \"plain\": \"no template\"}"),
                render("{\"count\": \"{{ event.payload.count }}\", \"greeting\": \"Hello {{ event.resource.name }}\","
                        + " \"tags\": \"{{ event.payload.tags }}\", \"plain\": \"no template\"}"));
    }

    @Test
    void eachKindOfPlaceholderIsFilledInNestedDicts() {
        assertEquals(Json.parse("{\"outer\": {\"inner\": \"fox!\", \"n\": {\"x\": [1, 2]}, \"v\": 10, \"c\": {\"a\": [1, 2]}}}"),
                render("""
                        {"outer": {"inner": {"__prefect_kind": "jinja", "template": "{{ event.resource.name }}!"},
                                   "gone": {"__prefect_kind": "workspace_variable"},
                                   "n": {"__prefect_kind": "none", "value": {"x": {"__prefect_kind": "json", "value": "[1, 2]"}}},
                                   "v": {"__prefect_kind": "workspace_variable", "variable_name": "limit"},
                                   "c": {"__prefect_kind": "workspace_variable", "variable_name": "config"}}}"""));
        // a json placeholder parses what its template renders
        assertEquals(Json.parse("{\"p\": {\"c\": 3}}"), render("""
                {"p": {"__prefect_kind": "json",
                       "value": {"__prefect_kind": "jinja", "template": "{\\"c\\": {{ event.payload.count }}}"}}}"""));
        // a variable whose name is itself a template is read under the rendered name
        assertEquals(Json.parse("{\"a\": \"ops\"}"), render("""
                {"a": {"__prefect_kind": "workspace_variable",
                       "variable_name": {"__prefect_kind": "jinja", "template": "{{ 'who' }}"}}}"""));
    }

    @Test
    void listsAreFilledItemByItemAndLoseTheItemsThatRemoveThemselves() {
        // (a placeholder in a list is upgraded too, as Prefect's upgrade looks into every dict of a list: same result)
        assertEquals(Json.parse("{\"items\": [3, \"fox\", \"ops\", 5, {\"k\": \"fox\"}, [\"fox\"]]}"), render("""
                {"items": ["{{ event.payload.count }}",
                           {"__prefect_kind": "jinja", "template": "{{ event.resource.name }}"},
                           {"__prefect_kind": "json"},
                           {"__prefect_kind": "workspace_variable", "variable_name": "who"},
                           5,
                           {"k": "{{ event.resource.name }}"},
                           [{"__prefect_kind": "jinja", "template": "{{ event.resource.name }}"}]]}"""));
        assertEquals("Variable 'missing' not found in workspace.",
                failure("{\"a\": [{\"__prefect_kind\": \"workspace_variable\", \"variable_name\": \"missing\"}]}"));
    }

    @Test
    void theContextIsAskedForOnceWithEveryTemplateFound() {
        render("""
                {"a": "{{ flow_run.name }}", "b": {"c": {"__prefect_kind": "jinja", "template": "{{ work_pool.name }}"}},
                 "d": [[{"__prefect_kind": "jinja", "template": "{{ variables.x }}"}]], "e": "plain"}""");
        assertEquals(List.of(List.of("{{ flow_run.name | tojson }}", "{{ work_pool.name }}", "{{ variables.x }}")), asked);
    }

    @Test
    void kindsPrefectDoesNotKnowStandForTheirValueAsItIs() {
        assertEquals(Json.parse("{\"u\": {\"__prefect_kind\": \"json\", \"value\": \"1\"}, \"nul\": 2}"),
                render("{\"u\": {\"__prefect_kind\": \"other\", \"value\": {\"__prefect_kind\": \"json\", \"value\": \"1\"}},"
                        + " \"nul\": {\"__prefect_kind\": null, \"value\": 2}}"));
    }

    @Test
    void parametersThatArePlaceholdersThemselves() {
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, render("{\"__prefect_kind\": \"json\"}"));
        assertEquals("The parameters must be a dictionary", failure("{\"__prefect_kind\": \"json\", \"value\": \"[1]\"}"));
    }

    @Test
    void theFirstPlaceholderThatCannotBeFilledFailsTheRenderWithPrefectsMessage() {
        assertEquals("Variable 'missing' not found in workspace.", failure("""
                {"a": {"__prefect_kind": "workspace_variable", "variable_name": "missing"},
                 "b": {"__prefect_kind": "json", "value": "{bad"}}"""));
        assertEquals("Variable '5' not found in workspace.",
                failure("{\"a\": {\"__prefect_kind\": \"workspace_variable\", \"variable_name\": 5}}"));
        assertTrue(failure("{\"b\": {\"__prefect_kind\": \"json\", \"value\": \"{bad\"}}").startsWith("Invalid JSON: "));
        // text rendered for a json placeholder that is not JSON
        assertTrue(failure("{\"p\": {\"__prefect_kind\": \"json\", \"value\": {\"__prefect_kind\": \"jinja\","
                + " \"template\": \"{{ event.resource.name }}\"}}}").startsWith("Invalid JSON: "));
        assertEquals("Missing 'value' key in __prefect object", failure("{\"a\": {\"__prefect_kind\": \"none\"}}"));
        assertEquals("Missing 'template' key in __prefect object", failure("{\"a\": {\"__prefect_kind\": \"jinja\"}}"));
        assertTrue(failure("{\"a\": {\"__prefect_kind\": \"jinja\", \"template\": \"{% for %}\"}}").startsWith("Invalid jinja: "));
        // a render that fails says why without the context's values
        String failed = failure("{\"a\": {\"__prefect_kind\": \"jinja\", \"template\": \"{{ event.resource.name.getClass() }}\"}}");
        assertTrue(failed.startsWith("Invalid jinja: Failed to render template due to the following error: "), failed);
        assertTrue(!failed.contains("fox"), failed);
    }
}
