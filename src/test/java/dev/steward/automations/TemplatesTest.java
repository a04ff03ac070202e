package dev.steward.automations;

import dev.steward.automations.Templates.Limits;
import dev.steward.automations.Templates.RenderFailed;
import dev.steward.automations.Templates.SyntaxError;
import dev.steward.platform.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Automation templates in Jinjava: Jinja as Prefect's actions use it, no way to Java, and every limit holding. */
class TemplatesTest {
    static final String RUN_ID = "6b1f3b7e-1c9c-4d5f-9d7a-9a1f6a8e2c11";

    final Templates templates = new Templates(Limits.DEFAULT, path -> "https://ui.example/" + path);

    static Map<String, Object> context() {
        Map<String, Object> flowRun = new LinkedHashMap<>();
        flowRun.put("id", RUN_ID);
        flowRun.put("name", "brave-fox");
        flowRun.put("tags", List.of("etl", "nightly"));
        flowRun.put("run_count", 3);
        flowRun.put("state", Map.of("type", "FAILED", "name", "Failed"));
        flowRun.put("secret_note", "s3cr3t-value");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("flow_run", flowRun);
        context.put("event", Map.of("id", "e-1", "occurred", "2024-05-06T01:02:03Z", "event", "prefect.flow-run.Failed",
                "resource", Map.of("prefect.resource.id", "prefect.flow-run." + RUN_ID, "prefect.resource.name", "brave-fox")));
        context.put("work_pool", Map.of("id", "p-1", "name", "my pool"));
        return context;
    }

    String render(String template) {
        return templates.render(template, context());
    }

    @Test
    void rendersNamesLoopsAndFilters() {
        assertEquals("brave-fox", render("{{ flow_run.name }}"));
        assertEquals("Run brave-fox is FAILED", render("Run {{ flow_run.name }} is {{ flow_run.state.type }}"));
        assertEquals("1:etl 2:nightly ", render("{% for t in flow_run.tags %}{{ loop.index }}:{{ t }} {% endfor %}"));
        assertEquals("etl, nightly", render("{{ flow_run.tags|join(', ') }}"));
        assertEquals("BRAVE-FOX", render("{{ flow_run.name|upper }}"));
        assertEquals("4", render("{{ flow_run.run_count + 1 }}"));
        assertEquals("retry", render("{% if flow_run.run_count > 2 %}retry{% else %}first{% endif %}"));
        assertEquals("brave-fox", render("{{ flow_run.get('name') }}"));
        // a dict iterates over its keys, as in Jinja
        assertEquals("type,name,", render("{% for k in flow_run.state %}{{ k }},{% endfor %}").replace("name,type,", "type,name,"));
        assertEquals("brave-fox", render("{{ event.resource['prefect.resource.name'] }}"));
    }

    @Test
    void anEventsResourcesHavePrefectsIdNameAndRoleProperties() {
        Map<String, Object> event = Map.of("resource", Map.of("prefect.resource.id", "steward.test.1", "name", "a label"),
                "related", List.of(Map.of("prefect.resource.id", "prefect.flow." + RUN_ID,
                        "prefect.resource.role", "flow", "prefect.resource.name", "etl")));
        Map<String, Object> context = Map.of("event", event, "plain", Map.of("name", "n"));
        assertEquals("steward.test.1", templates.render("{{ event.resource.id }}", context));
        // name is the resource's name label, none here (Prefect's property, looked up before the item "name")
        assertEquals("", templates.render("{{ event.resource.name }}", context));
        assertEquals("", templates.render("{{ event.resource.role }}", context));
        assertEquals("flow etl prefect.flow." + RUN_ID, templates.render(
                "{% for r in event.related %}{{ r.role }} {{ r.name }} {{ r.id }}{% endfor %}", context));
        assertEquals("n", templates.render("{{ plain.name }}", context)); // a dict that is no resource is a dict
    }

    @Test
    void anUndefinedNameRendersAsNothingAsPrefectsChainableUndefined() {
        assertEquals("[]", render("[{{ nothing }}]"));
        assertEquals("[]", render("[{{ nothing.deeper.still }}]"));
        assertEquals("[]", render("[{{ flow_run.no_such_field }}]"));
    }

    @Test
    void textThatIsNotATemplateComesBackAsItIs() {
        assertEquals("plain {# not a template #} text", render("plain {# not a template #} text"));
        assertTrue(Templates.maybeTemplate("a {{ b }}"));
        assertTrue(Templates.maybeTemplate("{% if %}"));
        assertFalse(Templates.maybeTemplate("{ x }"));
    }

    @Test
    void tojsonWritesAsJinjaDoes() {
        // keys sorted, Python's separators, HTML-safe escapes
        assertEquals("{\"name\": \"Failed\", \"type\": \"FAILED\"}", render("{{ flow_run.state|tojson }}"));
        assertEquals("[\"a\\u003cb\", 1.5, null, true]", render("{{ ['a<b', 1.5, none, true]|tojson }}"));
        assertEquals("[\n  \"etl\",\n  \"nightly\"\n]", render("{{ flow_run.tags|tojson(2) }}"));
    }

    @Test
    void prefectsFiltersLinkToTheUi() {
        assertEquals("https://ui.example/runs/flow-run/" + RUN_ID, render("{{ flow_run|ui_url }}"));
        assertEquals("https://ui.example/work-pools/work-pool/my%20pool", render("{{ work_pool|ui_url }}"));
        assertEquals("https://ui.example/events/event/2024-05-06/e-1", render("{{ event|ui_url }}"));
        assertEquals("https://ui.example/runs/flow-run/" + RUN_ID, render("{{ event.resource|ui_url }}"));
        assertEquals("https://ui.example/events?resource=prefect.flow-run." + RUN_ID, render("{{ flow_run|ui_resource_events_url }}"));
        assertEquals("https://ui.example/events?resource=prefect.flow-run." + RUN_ID, render("{{ event.resource|ui_resource_events_url }}"));
        assertEquals(RUN_ID, render("{{ 'see https://x/runs/flow-run/" + RUN_ID + " please'|flow_run_id }}"));
        // no UI configured: nothing, as Prefect without PREFECT_UI_URL
        assertEquals("[]", new Templates().render("[{{ flow_run|ui_url }}]", context()));
    }

    @Test
    void aValueIsPrintedNeverRenderedAgain() {
        Map<String, Object> context = Map.of("event", Map.of("payload", "{{ flow_run.secret_note }}{% include 'x' %}"));
        assertEquals("{{ flow_run.secret_note }}{% include 'x' %}", templates.render("{{ event.payload }}", context));
    }

    // --- no way to Java ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ ''.getClass() }}",
            "{{ ''.getClass().forName('java.lang.Runtime') }}",
            "{{ flow_run.name.getClass() }}",
            "{{ flow_run.getClass() }}",
            "{{ flow_run.tags.getClass() }}",
            "{{ (3).getClass() }}",
            "{{ flow_run.name.toString() }}",
            "{{ flow_run.name.replace('a', 'b') }}",
            "{{ flow_run.name.chars() }}",
            "{{ flow_run.tags.append('x') }}",
            "{{ flow_run.tags.clear() }}",
            "{{ flow_run.update({'name': 'x'}) }}",
            "{{ flow_run.put('name', 'x') }}",
            "{{ ____int3rpr3t3r____.getContext() }}",
            "{% for t in flow_run.tags %}{{ loop.getClass() }}{% endfor %}",
    })
    void aJavaMethodCannotBeCalled(String template) {
        RenderFailed e = assertThrows(RenderFailed.class, () -> render(template));
        assertTrue(e.getMessage().startsWith("Cannot call '"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ ''.class }}", "{{ ''.bytes }}", "{{ flow_run.name.class.name }}", "{{ flow_run.class }}",
            "{{ flow_run.name.blank }}", "{{ (1).class.forName }}"})
    void aJavaPropertyCannotBeRead(String template) {
        assertEquals("", render(template));
    }

    @Test
    void noOtherTemplateOrFileCanBeLoaded() {
        for (String template : List.of("{% include 'META-INF/MANIFEST.MF' %}", "{% import 'x.jinja' as x %}",
                "{% from 'x.jinja' import y %}", "{% extends 'base.html' %}")) {
            assertThrows(RenderFailed.class, () -> render(template), template);
            assertTrue(templates.syntaxError(template).isPresent(), template);
        }
        assertThrows(RenderFailed.class, () -> render("{{ '{{ 1 }}'|render }}"));
    }

    @Test
    void aContextHoldsPlainDataOnly() {
        assertThrows(IllegalArgumentException.class, () -> templates.render("{{ x }}", Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> templates.render("{{ x }}", Map.of("x", List.of(Thread.currentThread()))));
        // Jakarta JSON values are turned into plain data
        assertEquals("b 2", templates.render("{{ o.a }} {{ o.n + 1 }}", Map.of("o", Json.parse("{\"a\": \"b\", \"n\": 1}"))));
    }

    // --- limits ------------------------------------------------------------------------------------------------------

    @Test
    void aLongRenderStopsAtTheTimeLimit() {
        // 100^4 loop bodies: far more than a second of work
        String template = "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}{% for d in range(100) %}"
                + "{% if a > 1000 %}x{% endif %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
        long start = System.nanoTime();
        RenderFailed e = assertThrows(RenderFailed.class, () -> render(template));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("The template took longer than 1000 ms to render", e.getMessage());
        assertTrue(millis < 3000, millis + " ms");
        // the same engine renders again afterwards
        assertEquals("brave-fox", render("{{ flow_run.name }}"));
    }

    @Test
    void aShorterTimeLimitIsKept() {
        Templates quick = new Templates(new Limits(Duration.ofMillis(100), 64 * 1024, 64 * 1024), Templates.UiLinks.NONE);
        String template = "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}{% for d in range(100) %}"
                + "{{ '' }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
        long start = System.nanoTime();
        RenderFailed e = assertThrows(RenderFailed.class, () -> quick.render(template, Map.of()));
        assertEquals("The template took longer than 100 ms to render", e.getMessage());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
    }

    @Test
    void aHugeOutputStopsAtTheOutputLimit() {
        String line = "x".repeat(100);
        long start = System.nanoTime();
        RenderFailed e = assertThrows(RenderFailed.class,
                () -> render("{% for a in range(100) %}{% for b in range(100) %}" + line + "{% endfor %}{% endfor %}"));
        assertEquals("The rendered text is longer than 65536 bytes", e.getMessage());
        // doubling a string: stopped by the same limit, not by memory
        RenderFailed doubling = assertThrows(RenderFailed.class, () -> render("{% set s = 'xxxxxxxxxxxxxxxx' %}"
                + "{% for a in range(100) %}{% for b in range(100) %}{% set s = s ~ s %}{% endfor %}{% endfor %}{{ s }}"));
        assertEquals("The rendered text is longer than 65536 bytes", doubling.getMessage());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
        // just under the limit is fine
        assertEquals(64 * 1024, render("{% for a in range(64) %}{% for b in range(16) %}" + "y".repeat(64) + "{% endfor %}{% endfor %}").length());
    }

    @Test
    void aTooLongTemplateIsRefusedBeforeItIsRead() {
        String long_ = "{{ x }}" + " ".repeat(64 * 1024);
        assertEquals("The template is longer than 65536 characters",
                assertThrows(RenderFailed.class, () -> render(long_)).getMessage());
        assertEquals(Optional.of(new SyntaxError(0, "The template is longer than 65536 characters")), templates.check(long_));
    }

    @Test
    void rangesHoldAtMostAHundredItems() {
        assertEquals("100", render("{{ range(100000)|length }}"));
    }

    // --- errors -----------------------------------------------------------------------------------------------------

    @Test
    void syntaxErrorsAreReportedWithTheirLine() {
        SyntaxError expression = templates.check("line one\nline two\n{{ flow_run.name + }}").orElseThrow();
        assertEquals(3, expression.line());
        assertTrue(expression.message().contains("flow_run.name +"), expression.message());

        // even in a branch that the data would not take
        assertEquals(2, templates.check("{% if false %}\n{{ a + }}{% endif %}").orElseThrow().line());
        assertEquals(1, templates.check("{% for x in y %}no end").orElseThrow().line());
        assertEquals(2, templates.check("ok\n{% nosuchtag %}").orElseThrow().line());
        assertEquals(1, templates.check("{% endif %}").orElseThrow().line());
        assertEquals(1, templates.check("{{ 'unterminated }}").orElseThrow().line());
        assertTrue(templates.syntaxError("Hello {{ flow_run.name }}, {% for t in flow_run.tags %}{{ t }}{% endfor %}").isEmpty());
    }

    @Test
    void prefectsLoopRulesAreCheckedWithLineZero() {
        String eleven = "{% for a in b %}{% endfor %}".repeat(11);
        assertEquals(Optional.of(new SyntaxError(0, "Contains 11 for loops. Templates can contain no more than 10 for loops.")),
                templates.check(eleven));
        assertTrue(templates.check("{% for a in b %}{% endfor %}".repeat(10)).isEmpty());
        assertEquals(Optional.of(new SyntaxError(0, "Contains nested for loops at a depth of 3. "
                + "Templates can nest for loops no more than 2 loops deep.")),
                templates.check("{% for a in b %}{% for c in d %}{% for e in f %}{% endfor %}{% endfor %}{% endfor %}"));
    }

    @Test
    void theValidateAnswerHasPrefectsShape() {
        String source = "a\n{{ b + }}";
        SyntaxError error = templates.check(source).orElseThrow();
        var answer = error.answer(source);
        assertEquals(2, answer.getJsonObject("error").getInt("line"));
        assertEquals(error.message(), answer.getJsonObject("error").getString("message"));
        assertEquals(source, answer.getJsonObject("error").getString("source"));
    }

    @Test
    void aRenderErrorDoesNotLeakTheContextsValues() {
        // fromjson's complaint would quote its input; the context's text is masked wherever it shows
        RenderFailed e = assertThrows(RenderFailed.class, () -> render("{{ flow_run.secret_note|fromjson }}"));
        assertFalse(e.getMessage().contains("s3cr3t-value"), e.getMessage());
        RenderFailed syntax = assertThrows(RenderFailed.class, () -> render("{{ flow_run.secret_note + }}"));
        assertFalse(syntax.getMessage().contains("s3cr3t-value"), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("flow_run.secret_note"), syntax.getMessage());
    }
}
