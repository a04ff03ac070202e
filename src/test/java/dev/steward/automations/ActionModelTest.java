package dev.steward.automations;

import dev.steward.automations.Action.Source;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prefect 3.9's action types read and written back, and each way Prefect's server refuses one. The JSON literals are
 * what Prefect's client sends ({@code model_dump(mode="json")} of prefect.events.actions) and what Prefect's server
 * answers (the same, for these).
 */
class ActionModelTest {
    static final String D = "6b1f3b7e-1c9c-4d5f-9d7a-9a1f6a8e2c11";
    static final UUID ID = UUID.fromString(D);

    static Action read(String json) {
        return Action.read(Json.parse(json), "actions.0");
    }

    /** Reading {@code json} fails with one field error at {@code loc}, with {@code message}. */
    static InvalidInput refused(String json, List<String> loc, String message) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> read(json));
        assertEquals(1, e.errors().size(), e.summary());
        JsonObject error = e.errors().get(0);
        assertEquals(Json.createArrayBuilder(loc).build(), error.getJsonArray("loc"), e.summary());
        assertEquals(message, error.getString("msg"));
        return e;
    }

    static List<String> at(String... fields) {
        List<String> loc = new java.util.ArrayList<>(List.of("body", "actions", "0"));
        loc.addAll(List.of(fields));
        return loc;
    }

    // --- every type, read and written back ---------------------------------------------------------------------

    /** The client's JSON of each action type; Prefect's server writes each back the same. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"do-nothing\"}",
            "{\"type\": \"run-deployment\", \"source\": \"selected\", \"deployment_id\": \"" + D + "\", \"parameters\": {\"n\": \"{{ flow_run.name }}\"}, \"job_variables\": null, \"schedule_after\": 300.0}",
            "{\"type\": \"run-deployment\", \"source\": \"inferred\", \"deployment_id\": null, \"parameters\": null, \"job_variables\": {\"image\": \"x:1\"}, \"schedule_after\": 0.0}",
            "{\"type\": \"pause-deployment\", \"source\": \"inferred\", \"deployment_id\": null}",
            "{\"type\": \"resume-deployment\", \"source\": \"selected\", \"deployment_id\": \"" + D + "\"}",
            "{\"type\": \"cancel-flow-run\"}",
            "{\"type\": \"delete-flow-run\"}",
            "{\"type\": \"change-flow-run-state\", \"name\": \"Boom\", \"state\": \"FAILED\", \"message\": null, \"force\": false}",
            "{\"type\": \"change-flow-run-state\", \"name\": null, \"state\": \"CANCELLED\", \"message\": \"stop\", \"force\": true}",
            "{\"type\": \"suspend-flow-run\"}",
            "{\"type\": \"resume-flow-run\"}",
            "{\"type\": \"pause-work-queue\", \"source\": \"inferred\", \"work_queue_id\": null}",
            "{\"type\": \"resume-work-queue\", \"source\": \"selected\", \"work_queue_id\": \"" + D + "\"}",
            "{\"type\": \"send-notification\", \"block_document_id\": \"" + D + "\", \"subject\": \"Prefect automated notification\", \"body\": \"x\"}",
            "{\"type\": \"call-webhook\", \"block_document_id\": \"" + D + "\", \"payload\": \"\"}",
            "{\"type\": \"pause-automation\", \"source\": \"selected\", \"automation_id\": \"" + D + "\"}",
            "{\"type\": \"resume-automation\", \"source\": \"inferred\", \"automation_id\": null}",
            "{\"type\": \"pause-work-pool\", \"source\": \"selected\", \"work_pool_id\": \"" + D + "\"}",
            "{\"type\": \"resume-work-pool\", \"source\": \"inferred\", \"work_pool_id\": null}",
    })
    void eachTypeIsReadAndWrittenBackAsPrefectWritesIt(String json) {
        Action action = read(json);
        assertEquals(Json.parse(json), action.toJson());
        assertEquals(Json.parse(json).asJsonObject().getString("type"), action.type());
        // and it reads back to the same record
        assertEquals(action, Action.read(action.toJson(), "actions.0"));
    }

    @Test
    void everyTypeOfPrefectsServerUnionHasARecord() {
        assertEquals(17, Action.TYPES.size());
        for (String type : Action.TYPES) {
            String json = switch (type) {
                case "change-flow-run-state" -> "{\"type\": \"" + type + "\", \"state\": \"FAILED\"}";
                case "send-notification" -> "{\"type\": \"" + type + "\", \"block_document_id\": \"" + D + "\", \"body\": \"b\"}";
                case "call-webhook" -> "{\"type\": \"" + type + "\", \"block_document_id\": \"" + D + "\"}";
                default -> "{\"type\": \"" + type + "\", \"source\": \"inferred\"}";
            };
            assertEquals(type, read(json).type());
        }
    }

    @Test
    void fieldsLeftOutTakePrefectsDefaults() {
        var run = (Action.RunDeployment) read("{\"type\": \"run-deployment\", \"deployment_id\": \"" + D + "\"}");
        assertEquals(new Action.RunDeployment(Source.SELECTED, ID, null, null, Duration.ZERO), run);
        assertEquals("{\"type\":\"run-deployment\",\"source\":\"selected\",\"deployment_id\":\"" + D
                + "\",\"parameters\":null,\"job_variables\":null,\"schedule_after\":0.0}", run.toJson().toString());

        assertEquals(new Action.SendNotification(ID, "Prefect automated notification", "hi"),
                read("{\"type\": \"send-notification\", \"block_document_id\": \"" + D + "\", \"body\": \"hi\"}"));
        assertEquals(new Action.CallWebhook(ID, ""), read("{\"type\": \"call-webhook\", \"block_document_id\": \"" + D + "\"}"));
        assertEquals(new Action.ChangeFlowRunState(null, "COMPLETED", null, false),
                read("{\"type\": \"change-flow-run-state\", \"state\": \"COMPLETED\"}"));
        assertEquals(new Action.PauseWorkPool(Source.SELECTED, ID), read("{\"type\": \"pause-work-pool\", \"work_pool_id\": \"" + D + "\"}"));
    }

    @Test
    void anActionWithoutATypeIsADoNothingAndFieldsOfNoActionAreIgnored() {
        // Prefect's models default their type and ignore extra fields (PrefectBaseModel's extra="ignore")
        assertEquals(new Action.DoNothing(), read("{}"));
        assertEquals(new Action.DoNothing(), read("{\"deployment_id\": \"" + D + "\"}"));
        assertEquals(new Action.CancelFlowRun(), read("{\"type\": \"cancel-flow-run\", \"x\": 1}"));
        Action pause = read("{\"type\": \"pause-work-queue\", \"source\": \"inferred\", \"deployment_id\": \"" + D + "\"}");
        assertEquals("{\"type\":\"pause-work-queue\",\"source\":\"inferred\",\"work_queue_id\":null}", pause.toJson().toString());
    }

    @Test
    void scheduleAfterIsSecondsOrADurationAndIsWrittenAsSeconds() {
        record Case(String sent, String written) {}
        for (Case c : List.of(new Case("300", "300.0"), new Case("5.5", "5.5"), new Case("\"PT5M\"", "300.0"),
                new Case("\"P1DT2H\"", "93600.0"), new Case("\"P1W\"", "604800.0"), new Case("\"PT0.5S\"", "0.5"),
                new Case("\"00:05:00\"", "300.0"), new Case("\"1 day, 00:00:00\"", "86400.0"), new Case("\"1d\"", "86400.0"),
                new Case("1e12", "1000000000000.0"), new Case("0.0000015", "0.000002"))) {
            Action action = read("{\"type\": \"run-deployment\", \"source\": \"inferred\", \"schedule_after\": " + c.sent + "}");
            assertEquals(c.written, action.toJson().get("schedule_after").toString(), c.sent);
        }
        assertEquals(Duration.ofMinutes(5), ((Action.RunDeployment) read(
                "{\"type\": \"run-deployment\", \"source\": \"inferred\", \"schedule_after\": \"PT5M\"}")).scheduleAfter());
    }

    @Test
    void aPayloadSentAsAnObjectIsKeptAsThatJsonIndentedByTwo() {
        // older UIs send {"message": ...}; Prefect's server keeps orjson's OPT_INDENT_2 text of it
        var webhook = (Action.CallWebhook) read("{\"type\": \"call-webhook\", \"block_document_id\": \"" + D
                + "\", \"payload\": {\"message\": \"hi\", \"n\": [1, {}]}}");
        assertEquals("{\n  \"message\": \"hi\",\n  \"n\": [\n    1,\n    {}\n  ]\n}", webhook.payload());
    }

    @Test
    void aListIsReadItemByItemAtItsIndex() {
        List<Action> actions = Action.readList(Json.parse("[{\"type\": \"do-nothing\"}, {\"type\": \"cancel-flow-run\"}]"), "actions_on_trigger");
        assertEquals(List.of(new Action.DoNothing(), new Action.CancelFlowRun()), actions);

        InvalidInput e = assertThrows(InvalidInput.class, () -> Action.readList(
                Json.parse("[{\"type\": \"do-nothing\"}, {\"type\": \"pause-work-pool\"}]"), "actions_on_resolve"));
        assertEquals(Json.parse("[\"body\", \"actions_on_resolve\", \"1\"]"), e.errors().get(0).getJsonArray("loc"));
        assertEquals("Value error, work_pool_id is required", e.errors().get(0).getString("msg"));

        InvalidInput notList = assertThrows(InvalidInput.class, () -> Action.readList(Json.parse("{}"), "actions"));
        assertEquals("Input should be a valid list", notList.errors().get(0).getString("msg"));
        assertThrows(InvalidInput.class, () -> Action.readList(JsonValue.NULL, "actions"));
    }

    @Test
    void selectedDeploymentIdsAreThoseOfRunDeploymentActionsThatSelectOne() {
        UUID other = UUID.randomUUID();
        List<Action> actions = List.of(
                new Action.RunDeployment(Source.SELECTED, ID, null, null, Duration.ZERO),
                new Action.RunDeployment(Source.INFERRED, null, null, null, Duration.ZERO),
                new Action.RunDeployment(Source.SELECTED, ID, null, null, Duration.ofMinutes(1)),
                new Action.PauseDeployment(Source.SELECTED, other), // Prefect relates run-deployment only
                new Action.DoNothing());
        assertEquals(Set.of(ID), Action.selectedDeploymentIds(actions));
        assertTrue(Action.selectedDeploymentIds(List.of()).isEmpty());
    }

    @Test
    void targetedActionsSayWhatTheyActOn() {
        var pause = (Action.Targeted) read("{\"type\": \"pause-work-queue\", \"work_queue_id\": \"" + D + "\"}");
        assertEquals("prefect.work-queue", pause.targetKind());
        assertEquals(ID, pause.targetId());
        var inferred = (Action.Targeted) read("{\"type\": \"resume-automation\", \"source\": \"inferred\"}");
        assertEquals(Source.INFERRED, inferred.source());
        assertNull(inferred.targetId());
        assertEquals("automation_id", inferred.idField());
    }

    // --- what Prefect refuses --------------------------------------------------------------------------------------

    @Test
    void anUnknownTypeIsRefusedNamingTheAllowedOnes() {
        String all = "Input should be 'do-nothing', 'run-deployment', 'pause-deployment', 'resume-deployment', "
                + "'cancel-flow-run', 'delete-flow-run', 'change-flow-run-state', 'pause-work-queue', 'resume-work-queue', "
                + "'send-notification', 'call-webhook', 'pause-automation', 'resume-automation', 'suspend-flow-run', "
                + "'resume-flow-run', 'pause-work-pool' or 'resume-work-pool'";
        InvalidInput e = refused("{\"type\": \"declare-incident\"}", at("type"), all); // Prefect Cloud's only
        assertEquals("literal_error", e.errors().get(0).getString("type"));
        refused("{\"type\": 5}", at("type"), all);
        refused("{\"type\": null}", at("type"), all);
    }

    @Test
    void anActionMustBeAnObject() {
        InvalidInput e = assertThrows(InvalidInput.class, () -> Action.read(Json.parse("\"x\""), "actions.2"));
        assertEquals(Json.parse("[\"body\", \"actions\", \"2\"]"), e.errors().get(0).getJsonArray("loc"));
        assertEquals("Input should be a valid dictionary", e.errors().get(0).getString("msg"));
    }

    @ParameterizedTest
    @CsvSource({
            "run-deployment, deployment_id", "pause-deployment, deployment_id", "resume-deployment, deployment_id",
            "pause-work-queue, work_queue_id", "resume-work-queue, work_queue_id",
            "pause-work-pool, work_pool_id", "resume-work-pool, work_pool_id",
            "pause-automation, automation_id", "resume-automation, automation_id"})
    void aSelectedTargetNeedsItsIdAndAnInferredOneRefusesIt(String type, String idField) {
        // Prefect's model validator: reported at the action itself
        refused("{\"type\": \"" + type + "\"}", at(), "Value error, " + idField + " is required");
        refused("{\"type\": \"" + type + "\", \"source\": \"selected\", \"" + idField + "\": null}", at(),
                "Value error, " + idField + " is required");
        refused("{\"type\": \"" + type + "\", \"source\": \"inferred\", \"" + idField + "\": \"" + D + "\"}", at(),
                "Value error, " + idField + " is not allowed");
        refused("{\"type\": \"" + type + "\", \"source\": \"chosen\", \"" + idField + "\": \"" + D + "\"}", at("source"),
                "Input should be 'selected' or 'inferred'");
        refused("{\"type\": \"" + type + "\", \"" + idField + "\": \"not-a-uuid\"}", at(idField), "Input should be a valid UUID");
    }

    @Test
    void changeFlowRunStateNeedsAStateTypeAndTypedFields() {
        refused("{\"type\": \"change-flow-run-state\"}", at("state"), "Field required");
        refused("{\"type\": \"change-flow-run-state\", \"state\": \"failed\"}", at("state"),
                "Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING'");
        refused("{\"type\": \"change-flow-run-state\", \"state\": \"FAILED\", \"name\": 5}", at("name"), "Input should be a valid string");
        refused("{\"type\": \"change-flow-run-state\", \"state\": \"FAILED\", \"message\": []}", at("message"), "Input should be a valid string");
        refused("{\"type\": \"change-flow-run-state\", \"state\": \"FAILED\", \"force\": \"yes\"}", at("force"), "Input should be a valid boolean");
    }

    @Test
    void notificationsAndWebhooksNeedTheirBlockAndValidTemplates() {
        refused("{\"type\": \"send-notification\", \"body\": \"x\"}", at("block_document_id"), "Field required");
        refused("{\"type\": \"send-notification\", \"block_document_id\": \"" + D + "\"}", at("body"), "Field required");
        refused("{\"type\": \"send-notification\", \"block_document_id\": \"" + D + "\", \"body\": \"x\", \"subject\": null}",
                at("subject"), "Input should be a valid string");
        refused("{\"type\": \"call-webhook\"}", at("block_document_id"), "Field required");
        refused("{\"type\": \"call-webhook\", \"block_document_id\": \"" + D + "\", \"payload\": null}", at("payload"),
                "Input should be a valid string");

        InvalidInput body = assertThrows(InvalidInput.class, () -> read("{\"type\": \"send-notification\", \"block_document_id\": \""
                + D + "\", \"body\": \"ok\\n{{ flow_run.name + }}\"}"));
        assertEquals(Json.createArrayBuilder(at("body")).build(), body.errors().get(0).getJsonArray("loc"));
        assertTrue(body.errors().get(0).getString("msg").startsWith("Value error, 'body' is not a valid template: "),
                body.summary());
        refused("{\"type\": \"send-notification\", \"block_document_id\": \"" + D + "\", \"body\": \"x\", \"subject\": "
                + "\"{% for a in b %}{% for c in d %}{% for e in f %}{% endfor %}{% endfor %}{% endfor %}\"}", at("subject"),
                "Value error, 'subject' is not a valid template: Contains nested for loops at a depth of 3. "
                        + "Templates can nest for loops no more than 2 loops deep.");
        InvalidInput payload = assertThrows(InvalidInput.class, () -> read("{\"type\": \"call-webhook\", \"block_document_id\": \""
                + D + "\", \"payload\": \"{% if x %}\"}"));
        assertTrue(payload.errors().get(0).getString("msg").startsWith("Value error, 'payload' is not a valid template: "));
    }

    @Test
    void runDeploymentChecksItsParametersPlaceholdersAndTypes() {
        String run = "{\"type\": \"run-deployment\", \"deployment_id\": \"" + D + "\", ";
        refused(run + "\"parameters\": []}", at("parameters"), "Input should be a valid dictionary");
        refused(run + "\"job_variables\": \"x\"}", at("job_variables"), "Input should be a valid dictionary");

        // a v1 template (a plain string) and a jinja placeholder are both checked; job variables are not templates
        InvalidInput v1 = assertThrows(InvalidInput.class, () -> read(run + "\"parameters\": {\"x\": \"{{ a\"}}"));
        assertEquals(Json.createArrayBuilder(at("parameters")).build(), v1.errors().get(0).getJsonArray("loc"));
        assertTrue(v1.errors().get(0).getString("msg").startsWith("Value error, Invalid parameters: \nx: Invalid jinja: "), v1.summary());
        InvalidInput placeholder = assertThrows(InvalidInput.class, () -> read(run
                + "\"parameters\": {\"outer\": {\"x\": {\"__prefect_kind\": \"jinja\", \"template\": \"{% for %}\"}}}}"));
        assertTrue(placeholder.errors().get(0).getString("msg").startsWith("Value error, Invalid parameters: \nouter.x: Invalid jinja: "));
        assertEquals(new Action.RunDeployment(Source.SELECTED, ID, null, Json.parseObject("{\"a\": \"{{ x\"}"), Duration.ZERO),
                read(run + "\"job_variables\": {\"a\": \"{{ x\"}}"));

        refused(run + "\"parameters\": {\"j\": {\"__prefect_kind\": \"json\", \"value\": \"{bad\"}, \"n\": {\"__prefect_kind\": \"none\"}}}",
                at("parameters"), "Value error, Invalid parameters: \nj: Invalid JSON: " + jsonError("{bad")
                        + "\n  n: Missing 'value' key in __prefect object");
        refused(run + "\"parameters\": {\"t\": {\"__prefect_kind\": \"jinja\"}}}", at("parameters"),
                "Value error, Invalid parameters: \nt: Missing 'template' key in __prefect object");

        // what Prefect lets through: valid placeholders, kinds it does not know, problems inside lists (it never looks)
        Action ok = read(run + "\"parameters\": {\"a\": \"{{ flow_run.name }}\", \"b\": {\"__prefect_kind\": \"json\", \"value\": \"[1]\"},"
                + " \"c\": {\"__prefect_kind\": \"workspace_variable\", \"variable_name\": \"v\"}, \"d\": {\"__prefect_kind\": \"other\"},"
                + " \"e\": [\"{{ a\"], \"f\": 1}}");
        assertEquals(6, ((Action.RunDeployment) ok).parameters().size());
    }

    private static String jsonError(String text) {
        try {
            Json.parse(text);
            throw new AssertionError("parsed");
        } catch (RuntimeException e) {
            return (e.getCause() != null ? e.getCause() : e).getMessage();
        }
    }

    @Test
    void scheduleAfterMustBeANonNegativeDuration() {
        String run = "{\"type\": \"run-deployment\", \"source\": \"inferred\", \"schedule_after\": ";
        refused(run + "-5}", at("schedule_after"), "Value error, schedule_after must be non-negative");
        refused(run + "\"-PT5M\"}", at("schedule_after"), "Value error, schedule_after must be non-negative");
        refused(run + "null}", at("schedule_after"), "Input should be a valid timedelta");
        refused(run + "\"soon\"}", at("schedule_after"), "Input should be a valid timedelta");
        refused(run + "\"5\"}", at("schedule_after"), "Input should be a valid timedelta");
        refused(run + "\"PT\"}", at("schedule_after"), "Input should be a valid timedelta");
        refused(run + "1e20}", at("schedule_after"), "Input should be a valid timedelta, durations may not exceed 999,999,999 days");
    }

    @Test
    void theLiteralAutomationActionsOfPrefectsClient() {
        // prefect.automations.Automation(actions=[...]).model_dump(mode="json")["actions"], as `prefect automation create` sends
        String sent = """
                [{"type": "run-deployment", "source": "selected", "deployment_id": "%s",
                  "parameters": {"name": "{{ event.resource.name }}", "count": 3}, "job_variables": null, "schedule_after": 0.0},
                 {"type": "send-notification", "block_document_id": "%s",
                  "subject": "Run {{ flow_run.name }} failed", "body": "See {{ flow_run|ui_url }}"},
                 {"type": "change-flow-run-state", "name": null, "state": "CANCELLED", "message": null, "force": false},
                 {"type": "pause-work-pool", "source": "inferred", "work_pool_id": null}]
                """.formatted(D, D);
        List<Action> actions = Action.readList(Json.parse(sent), "actions");
        assertEquals(4, actions.size());
        assertInstanceOf(Action.RunDeployment.class, actions.get(0));
        assertEquals(Json.parse(sent), Json.createArrayBuilder(actions.stream().map(Action::toJson).toList()).build());
        assertEquals(Set.of(ID), Action.selectedDeploymentIds(actions));
    }
}
