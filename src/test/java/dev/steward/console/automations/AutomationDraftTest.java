package dev.steward.console.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The editor's two tabs say the same thing: every template and action the form offers is read back from its JSON as
 * the same choice, and JSON the form cannot say is recognised as such (it stays in the JSON tab).
 */
class AutomationDraftTest {
    private static final UUID A = UUID.fromString("0b6c2a7e-1111-4c1d-9a8e-2f3a4b5c6d7e");
    private static final UUID B = UUID.fromString("9d8c7b6a-2222-4e5f-8a9b-0c1d2e3f4a5b");

    @Test
    void everyTemplateComesBackFromItsJson() {
        List<TriggerChoice> choices = List.of(
                new TriggerChoice.FlowRunState(List.of("Failed", "Crashed"), List.of(), null),
                new TriggerChoice.FlowRunState(List.of(), List.of(A, B), null),
                new TriggerChoice.FlowRunState(List.of("Running"), List.of(A), Duration.ofMinutes(30)),
                new TriggerChoice.Status("deployment", List.of(), "not-ready", null),
                new TriggerChoice.Status("work-pool", List.of(A), "not-ready", Duration.ofMinutes(5)),
                new TriggerChoice.Status("work-queue", List.of(A, B), "paused", null),
                new TriggerChoice.CustomEvent(List.of("acme.order.*"), List.of("acme.order.*"), true, false, 3,
                        Duration.ofSeconds(90)),
                new TriggerChoice.CustomEvent(List.of("acme.heartbeat"), List.of(), false, true, 1,
                        Duration.ofMinutes(2)));
        for (TriggerChoice choice : choices) {
            JsonObject stored = TriggerChoice.canonical(choice.toJson());
            assertEquals(Optional.of(choice), TriggerChoice.recognize(stored), stored.toString());
        }
    }

    @Test
    void templatesWriteWhatPrefectsUiWrites() {
        JsonObject stuck = TriggerChoice.canonical(new TriggerChoice.FlowRunState(List.of("Running"), List.of(),
                Duration.ofMinutes(10)).toJson());
        assertEquals("Proactive", stuck.getString("posture"));
        assertEquals(List.of("prefect.flow-run.Running"), strings(stuck, "after"));
        assertEquals(List.of("prefect.flow-run.*"), strings(stuck, "expect"));
        assertEquals(List.of("prefect.resource.id"), strings(stuck, "for_each"));
        assertEquals(600, stuck.getJsonNumber("within").intValue());
        JsonObject pool = TriggerChoice.canonical(new TriggerChoice.Status("work-pool", List.of(), "ready",
                Duration.ofMinutes(1)).toJson());
        assertEquals(List.of("prefect.work-pool.ready"), strings(pool, "after"));
        assertEquals(List.of("prefect.work-pool.not-ready", "prefect.work-pool.paused"), strings(pool, "expect"));
        assertEquals("A flow run stays in Running for 10 min",
                TriggerChoice.describe(stuck));
        assertEquals("A work pool stays ready for 1 min", TriggerChoice.describe(pool));
    }

    @Test
    void triggersTheFormCannotSayStayJson() {
        for (String trigger : List.of(
                "{\"type\":\"compound\",\"require\":\"any\",\"within\":null,\"triggers\":[{\"posture\":\"Reactive\","
                        + "\"expect\":[\"a.b\"]}]}",
                // Prefect's deployment trigger: match_related as a list
                "{\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.Failed\"],\"match\":{\"prefect.resource.id\":"
                        + "\"prefect.flow-run.*\"},\"match_related\":[{\"prefect.resource.role\":\"flow\"}],"
                        + "\"for_each\":[\"prefect.resource.id\"]}",
                // a flow run state without for_each
                "{\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.Failed\"],\"match\":{\"prefect.resource.id\":"
                        + "\"prefect.flow-run.*\"},\"threshold\":2,\"within\":60}",
                // a custom event with related resources
                "{\"posture\":\"Reactive\",\"expect\":[\"x.y\"],"
                        + "\"match_related\":{\"prefect.resource.role\":\"tag\"}}")) {
            JsonObject stored = TriggerChoice.canonical(Json.parseObject(trigger));
            assertEquals(Optional.empty(), TriggerChoice.recognize(stored), trigger);
        }
        assertEquals("Compound trigger of 1 trigger", TriggerChoice.describe(TriggerChoice.canonical(
                Json.parseObject("{\"type\":\"compound\",\"require\":\"any\",\"within\":null,\"triggers\":"
                        + "[{\"posture\":\"Reactive\",\"expect\":[\"a.b\"]}]}"))));
    }

    @Test
    void aWholeDraftGoesBothWays() {
        AutomationDraft draft = new AutomationDraft("notify", "when etl fails", true, List.of("ops"),
                new TriggerChoice.FlowRunState(List.of("Failed"), List.of(A), null), List.of(
                new ActionChoice("run-deployment", "selected", B, Json.parseObject("{\"x\":1}"), null, null, null,
                        false, null, null, null),
                new ActionChoice("pause-work-pool", "inferred", null, null, null, null, null, false, null, null, null),
                new ActionChoice("change-flow-run-state", "selected", null, null, "CANCELLED", "Stopped", null, true,
                        null, null, null),
                new ActionChoice("send-notification", "selected", null, null, null, null, null, false, A, "Failed",
                        "{{ flow_run.name }} failed"),
                new ActionChoice("call-webhook", "selected", null, null, null, null, null, false, B, null, "{}"),
                ActionChoice.of("do-nothing")));
        JsonObject body = AutomationDraft.canonical(draft.toJson());
        Optional<AutomationDraft> back = AutomationDraft.recognize(body);
        assertEquals(draft.toJson(), back.orElseThrow().toJson());
        assertEquals(body, AutomationDraft.canonical(back.get().toJson()));
    }

    @Test
    void whatOnlyJsonSaysStaysJson() {
        String trigger = "{\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.Failed\"],\"match\":"
                + "{\"prefect.resource.id\":\"prefect.flow-run.*\"},\"for_each\":[\"prefect.resource.id\"]}";
        String delayed = "{\"name\":\"n\",\"trigger\":" + trigger + ",\"actions\":[{\"type\":\"run-deployment\","
                + "\"source\":\"selected\",\"deployment_id\":\"" + A + "\",\"schedule_after\":60}]}";
        assertEquals(Optional.empty(), AutomationDraft.recognize(AutomationDraft.canonical(Json.parseObject(delayed))));
        String onTrigger = "{\"name\":\"n\",\"trigger\":" + trigger + ",\"actions\":[],"
                + "\"actions_on_trigger\":[{\"type\":\"do-nothing\"}]}";
        assertEquals(Optional.empty(),
                AutomationDraft.recognize(AutomationDraft.canonical(Json.parseObject(onTrigger))));
        String plain = "{\"name\":\"n\",\"trigger\":" + trigger + ",\"actions\":[{\"type\":\"cancel-flow-run\"}]}";
        assertTrue(AutomationDraft.recognize(AutomationDraft.canonical(Json.parseObject(plain))).isPresent());
    }

    @Test
    void bodiesAreReadAsTheApiReadsThem() {
        InvalidInput e = assertThrows(InvalidInput.class, () -> AutomationDraft.canonical(Json.parseObject(
                "{\"name\":\"n\",\"trigger\":{\"posture\":\"Proactive\",\"expect\":[\"x\"],\"within\":5},"
                        + "\"actions\":[]}")));
        assertTrue(e.detail().toString().contains("\"trigger\",\"within\""), e.detail().toString());
        assertThrows(InvalidInput.class, () -> AutomationDraft.canonical(Json.parseObject(
                "{\"name\":\"n\",\"id\":\"x\",\"trigger\":{\"posture\":\"Reactive\",\"expect\":[\"x\"]},"
                        + "\"actions\":[]}")), "an unknown field, as the API refuses it");
    }

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }
}
