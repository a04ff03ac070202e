package dev.steward.deployments;

import dev.steward.deployments.DeploymentDocument.ConcurrencyChange;
import dev.steward.deployments.DeploymentDocument.Request;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prefect's deployment and schedule documents without a database: which fields a create and an update take and how
 * their nulls read, the concurrency rule, the parameter-schema checks, the update event's payload and what a run
 * made from a deployment takes from it.
 */
class DeploymentDocumentTest {
    static final UUID ID = UUID.fromString("00000000-0000-0000-0000-00000000000d");
    static final UUID FLOW = UUID.fromString("00000000-0000-0000-0000-00000000000f");
    static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},\"required\":[\"x\"]}";

    static DeploymentDocument stored() {
        return DeploymentDocument.defaults(ID, "nightly", FLOW, NOW);
    }

    static JsonObject create(String json) {
        return Request.create(Body.parse(json)).fields();
    }

    static JsonObject update(String json) {
        return Request.update(Body.parse(json)).fields();
    }

    @Test
    void aCreateSetsTheFieldsItSendsAndTheRestKeepTheirValue() {
        DeploymentDocument before = stored().with(create("{\"tags\":[\"a\"],\"version\":\"1\"}"));
        DeploymentDocument after = before.with(create("{\"version\":\"2\"}"));
        assertEquals(List.of("a"), after.tags());
        assertEquals("2", after.json().getString("version"));
        assertEquals("NOT_READY", after.json().getString("status"));
        Request request = Request.create(Body.parse("{\"name\":\"n\",\"flow_id\":\"" + FLOW + "\"}"));
        assertEquals("n", request.name());
        assertEquals(FLOW, request.flowId());
        assertEquals(Optional.of(List.of()), request.schedules(), "a create always says which schedules: none when absent");
        assertThrows(InvalidInput.class, () -> Request.update(Body.parse("{\"name\":\"renamed\"}")));
    }

    @Test
    void nullsReadAsPrefectReadsThem() {
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, create("{\"parameters\":null}").get("parameters"));
        assertEquals(JsonValue.TRUE, create("{\"enforce_parameter_schema\":null}").get("enforce_parameter_schema"));
        assertFalse(update("{\"parameters\":null,\"job_variables\":null}").containsKey("parameters"),
                "an update's null parameters leave them as they are");
        assertEquals(JsonValue.NULL, update("{\"description\":null}").get("description"));
        assertThrows(InvalidInput.class, () -> create("{\"paused\":null}"));
        assertThrows(InvalidInput.class, () -> update("{\"tags\":null}"));
        assertThrows(InvalidInput.class, () -> update("{\"concurrency_options\":{\"collision_strategy\":\"WAIT\"}}"));
        assertFalse(Request.update(Body.parse("{\"schedules\":null}")).schedules().isPresent());
        assertFalse(Request.update(Body.parse("{\"parameters\":null}")).setsParameters());
    }

    @Test
    void aDeploymentHasItsOwnConcurrencyLimitOrAGlobalOneNotBoth() {
        UUID global = UUID.randomUUID();
        assertEquals(Optional.empty(), Request.update(Body.parse("{}")).concurrency());
        assertEquals(Optional.of(new ConcurrencyChange(null, 2)),
                Request.update(Body.parse("{\"concurrency_limit\":2}")).concurrency());
        assertEquals(Optional.of(new ConcurrencyChange(null, null)),
                Request.update(Body.parse("{\"concurrency_limit\":null}")).concurrency(), "null takes its limit away");
        assertEquals(Optional.of(new ConcurrencyChange(global, null)),
                Request.update(Body.parse("{\"global_concurrency_limit_id\":\"" + global + "\"}")).concurrency());
        assertThrows(InvalidInput.class, () -> Request.update(Body.parse("{\"concurrency_limit\":2,"
                + "\"global_concurrency_limit_id\":\"" + global + "\"}")).concurrency());
    }

    @Test
    void parametersMeetTheSchemaWithTheAnswerOfEachPlace() {
        DeploymentDocument schema = stored().with(create("{\"parameter_openapi_schema\":" + SCHEMA + "}"));
        schema.with(create("{\"parameters\":{}}")).checkParametersOnCreate(); // required ones aside
        assertThrows(InvalidInput.class, () -> schema.with(create("{\"parameters\":{\"x\":\"one\"}}")).checkParametersOnCreate());
        assertThrows(InvalidInput.class, () -> schema.with(update("{\"parameters\":{\"x\":\"one\"}}")).checkParametersOnUpdate());
        DeploymentDocument noSchema = stored().with(create("{\"parameter_openapi_schema\":null}"));
        noSchema.checkParametersOnCreate();
        assertThrows(Conflict.class, noSchema::checkParametersOnUpdate);
        assertThrows(InvalidInput.class, () -> schema.checkRunParameters(schema.parametersWith(JsonValue.EMPTY_JSON_OBJECT), true),
                "a run needs its required parameters");
        schema.checkRunParameters(JsonValue.EMPTY_JSON_OBJECT, false);
    }

    @Test
    void anUpdateEventNamesTheTrackedFieldsThatChanged() {
        DeploymentDocument before = stored();
        DeploymentDocument after = before.with(update("{\"description\":\"d\",\"job_variables\":{\"image\":\"x\"}}"))
                .updatedAt(NOW.plusSeconds(1));
        JsonObject payload = before.changesTo(after).orElseThrow();
        assertEquals("[\"description\",\"infra_overrides\"]", payload.get("updated_fields").toString());
        assertEquals("\"d\"", payload.getJsonObject("updates").getJsonObject("description").get("to").toString());
        assertEquals(Optional.empty(), before.changesTo(before.updatedAt(NOW.plusSeconds(5))), "updated is not tracked");
    }

    @Test
    void aRunTakesTheDeploymentsFieldsAndLabels() {
        DeploymentDocument doc = stored().with(create("{\"version\":\"7\",\"parameters\":{\"x\":1,\"who\":\"a\"}}"))
                .labelled(Json.parseObject("{\"team\":\"data\"}"), Json.parseObject("{\"env\":\"prod\"}"));
        assertEquals("{\"x\":1,\"who\":\"b\"}", doc.parametersWith(Json.parseObject("{\"who\":\"b\"}")).toString());
        JsonObject labels = doc.runLabels(Json.parseObject("{\"mine\":\"yes\",\"env\":\"test\"}"));
        assertEquals(Json.parseObject("{\"team\":\"data\",\"prefect.flow.id\":\"" + FLOW + "\",\"env\":\"test\","
                + "\"prefect.deployment.id\":\"" + ID + "\",\"mine\":\"yes\"}"), labels, "the run's own labels come last");
        assertEquals(ID.toString(), doc.runFields().build().getString("deployment_id"));
        assertEquals("7", doc.runServerFields().build().getString("deployment_version"));
        JsonObject response = doc.response(List.of(), JsonValue.NULL);
        assertTrue(response.getJsonArray("schedules").isEmpty());
        assertEquals(JsonValue.NULL, response.get("global_concurrency_limit"));
    }

    @Test
    void aScheduleIsCheckedWhenCreatedAndPatchedByTheFieldsSent() {
        DeploymentScheduleDocument s = DeploymentScheduleDocument.create(Body.parse("{\"schedule\":{\"interval\":60},"
                + "\"parameters\":{\"x\":1}}"), ID, NOW, 50);
        assertTrue(s.active());
        assertEquals(Optional.empty(), s.slug());
        assertTrue(s.maxScheduledRuns().isEmpty());
        assertEquals(ID.toString(), s.json().getString("deployment_id"));
        assertEquals("IntervalSchedule", s.schedule().kind());
        assertThrows(InvalidInput.class, () -> DeploymentScheduleDocument.create(Body.parse("{\"active\":true}"), ID, NOW, 50));
        assertThrows(InvalidInput.class, () -> DeploymentScheduleDocument.create(Body.parse("{\"schedule\":{\"interval\":60},"
                + "\"max_scheduled_runs\":51}"), ID, NOW, 50));
        DeploymentScheduleDocument patched = s.patched(Body.parse("{\"active\":false,\"slug\":\"minutely\"}"), NOW, 50);
        assertFalse(patched.active());
        assertEquals(Optional.of("minutely"), patched.slug());
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, patched.parameters(), "an update's parameters always replace");
        assertEquals(s.json().get("schedule"), patched.json().get("schedule"));
    }

    @Test
    void theIdempotencyKeyHoldsTheTimeAsPythonPrintsIt() {
        assertEquals("2026-03-01 09:00:00+00:00", DeploymentRuns.pythonTime(Instant.parse("2026-03-01T09:00:00Z")));
        assertEquals("2026-03-01 09:00:00.250000+00:00", DeploymentRuns.pythonTime(Instant.parse("2026-03-01T09:00:00.25Z")));
    }
}
