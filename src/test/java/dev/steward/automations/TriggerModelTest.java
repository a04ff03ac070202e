package dev.steward.automations;

import dev.steward.automations.CompoundTrigger.Require;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prefect 3.9's trigger model without a server: what its server accepts and refuses (and where a 422 says the problem
 * is), what it answers, what its client sends, and how a trigger matches events.
 */
class TriggerModelTest {
    // What Prefect 3.9's client sends, from AutomationCore.model_dump(mode="json") of a DeploymentEventTrigger,
    // an EventTrigger and the composite Deployment*Triggers (prefect/events/schemas/deployment_triggers.py)
    static final String CLIENT_REACTIVE = """
            {"type": "event", "match": {}, "match_related": {"prefect.resource.name": "upstream"}, "after": [],
             "expect": ["prefect.flow-run.Completed"], "for_each": [], "posture": "Reactive", "threshold": 1,
             "within": 0.0}""";
    static final String CLIENT_PROACTIVE = """
            {"type": "event", "match": {"prefect.resource.id": "prefect.flow-run.*"}, "match_related": {},
             "after": ["prefect.flow-run.Pending"], "expect": ["prefect.flow-run.Running"],
             "for_each": ["prefect.resource.id"], "posture": "Proactive", "threshold": 1, "within": 300.0}""";
    static final String CLIENT_COMPOUND = """
            {"type": "compound", "triggers": [
               {"type": "event", "match": {}, "match_related": {}, "after": [], "expect": ["a.b"], "for_each": [],
                "posture": "Reactive", "threshold": 1, "within": 0.0},
               {"type": "event", "match": {}, "match_related": {}, "after": [], "expect": ["c.d"], "for_each": [],
                "posture": "Proactive", "threshold": 1, "within": 10.0}],
             "within": 3600.0, "require": "all"}""";
    static final String CLIENT_SEQUENCE = """
            {"type": "sequence", "triggers": [
               {"type": "event", "match": {}, "match_related": {}, "after": [], "expect": ["a.b"], "for_each": [],
                "posture": "Reactive", "threshold": 1, "within": 0.0},
               {"type": "event", "match": {}, "match_related": {}, "after": [], "expect": ["c.d"], "for_each": [],
                "posture": "Reactive", "threshold": 1, "within": 0.0}],
             "within": null}""";

    static Trigger read(String json) {
        return Trigger.read(Json.parse(json), "trigger");
    }

    static EventTrigger event(String json) {
        return assertInstanceOf(EventTrigger.class, read(json));
    }

    /** The one error of a refused trigger: its loc (after "body", joined by "|") and its message. */
    static String[] refusal(String json) {
        InvalidInput e = assertThrows(InvalidInput.class, () -> read(json));
        JsonObject error = e.errors().get(0);
        List<String> loc = error.getJsonArray("loc").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        assertEquals("body", loc.get(0));
        return new String[] {String.join("|", loc.subList(1, loc.size())), error.getString("msg"), error.getString("type")};
    }

    static void refused(String json, String loc, String message) {
        String[] r = refusal(json);
        assertEquals(loc, r[0], json);
        assertTrue(r[1].contains(message), () -> "\"" + r[1] + "\" should contain \"" + message + "\"");
    }

    static JsonObject eventAt(String name, String resource, String... related) {
        var b = Json.createObjectBuilder().add("id", UUID.randomUUID().toString())
                .add("occurred", "2026-01-01T00:00:00Z").add("event", name)
                .add("resource", Json.parse(resource));
        var list = Json.createArrayBuilder();
        for (String r : related) list.add(Json.parse(r));
        return b.add("related", list).add("payload", Json.createObjectBuilder()).build();
    }

    // ---- reading what Prefect's client sends

    @Test
    void theClientsDeploymentEventTriggerIsReadAndAnsweredWithAnIdAndItsForms() {
        EventTrigger t = event(CLIENT_REACTIVE);
        assertEquals(Posture.Reactive, t.posture());
        assertEquals(Set.of("prefect.flow-run.Completed"), t.expect());
        assertFalse(t.matchRelatedIsList());
        assertEquals(Map.of("prefect.resource.name", List.of("upstream")), t.matchRelated().get(0).labels());
        assertEquals(Duration.ZERO, t.within());
        assertTrue(t.immediate());
        JsonObject json = t.toJson();
        assertEquals(t.id().toString(), json.getString("id"));
        // the order and forms Prefect's server answers with: a single value stays a string, within a float
        assertEquals("{\"type\":\"event\",\"id\":\"" + t.id() + "\",\"match\":{},\"match_related\":"
                + "{\"prefect.resource.name\":\"upstream\"},\"after\":[],\"expect\":[\"prefect.flow-run.Completed\"],"
                + "\"for_each\":[],\"posture\":\"Reactive\",\"threshold\":1,\"within\":0.0}", json.toString());
    }

    @Test
    void theClientsProactiveTriggerKeepsItsWindowAndLabels() {
        EventTrigger t = event(CLIENT_PROACTIVE);
        assertEquals(Posture.Proactive, t.posture());
        assertEquals(Duration.ofMinutes(5), t.within());
        assertEquals(Set.of("prefect.flow-run.Pending"), t.after());
        assertEquals(Set.of("prefect.resource.id"), t.forEach());
        assertEquals("\"prefect.flow-run.*\"", t.match().toJson().get("prefect.resource.id").toString());
        assertEquals("300.0", t.toJson().get("within").toString());
        assertFalse(t.immediate());
    }

    @Test
    void theClientsCompositeTriggersAreRead() {
        CompoundTrigger compound = assertInstanceOf(CompoundTrigger.class, read(CLIENT_COMPOUND));
        assertEquals(Require.ALL, compound.require());
        assertEquals(2, compound.expectedFirings());
        assertEquals(Duration.ofHours(1), compound.within());
        assertEquals(Posture.Proactive, ((EventTrigger) compound.triggers().get(1)).posture());
        assertEquals("\"all\"", compound.toJson().get("require").toString());
        assertEquals("3600.0", compound.toJson().get("within").toString());

        SequenceTrigger sequence = assertInstanceOf(SequenceTrigger.class, read(CLIENT_SEQUENCE));
        assertNull(sequence.within());
        assertEquals("null", sequence.toJson().get("within").toString());
        assertEquals(List.of("type", "id", "triggers", "within"), List.copyOf(sequence.toJson().keySet()));
        assertEquals(List.of("type", "id", "triggers", "within", "require"), List.copyOf(compound.toJson().keySet()));
    }

    @Test
    void withoutATypeTheKindIsInferredAsPrefectsClientDoes() {
        String child = "{\"posture\": \"Reactive\", \"expect\": [\"a\"]}";
        assertInstanceOf(EventTrigger.class, read(child));
        assertInstanceOf(CompoundTrigger.class,
                read("{\"triggers\": [" + child + "], \"require\": \"any\", \"within\": null}"));
        assertInstanceOf(SequenceTrigger.class, read("{\"triggers\": [" + child + "], \"within\": null}"));
    }

    @Test
    void fieldsATriggerDoesNotHaveAreIgnoredAsPrefectIgnoresThem() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"name\": \"x\", \"parameters\": {}}");
        assertFalse(t.toJson().containsKey("name"));
    }

    @Test
    void anIdSentIsKeptAndAMalformedOneRefused() {
        UUID id = UUID.fromString("0e74919a-f5c4-4290-9ffb-80d3674b71a1");
        assertEquals(id, event("{\"id\": \"" + id + "\", \"posture\": \"Reactive\", \"expect\": [\"a\"]}").id());
        refused("{\"id\": \"nope\", \"posture\": \"Reactive\", \"expect\": [\"a\"]}", "trigger|id", "valid UUID");
        refused("{\"id\": null, \"posture\": \"Reactive\", \"expect\": [\"a\"]}", "trigger|id", "valid UUID");
    }

    @Test
    void setsFoldDuplicatesAndKeepTheirOrder() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"b\", \"a\", \"b\"]}");
        assertEquals("[\"b\",\"a\"]", t.toJson().get("expect").toString());
    }

    // ---- within

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "30; 30.0", "1.5; 1.5", "0.0000005; 0.000001", "'\"PT30S\"'; 30.0", "'\"P1DT2H\"'; 93600.0",
            "'\"PT0.5S\"'; 0.5", "'\"PT1H30M\"'; 5400.0", "'\"P1W\"'; 604800.0", "'\"P1Y\"'; 31536000.0",
            "'\"P1M\"'; 2592000.0", "'\"P1,5D\"'; 129600.0", "'\"+PT10S\"'; 10.0", "'\"P1DT\"'; 86400.0",
            "'\"01:00:00\"'; 3600.0", "'\"10:00\"'; 36000.0", "'\"0:00:01\"'; 1.0", "'\"00:00:10.5\"'; 10.5",
            "'\"1 day, 0:00:05\"'; 86405.0", "'\"2 days, 01:00:00\"'; 176400.0", "'\"1d\"'; 86400.0",
            "'\"1 days\"'; 86400.0", "'\"99:00\"'; 356400.0"})
    void withinTakesEveryFormPrefectTakesAndIsAnsweredAsFloatSeconds(String within, String answered) {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": " + within + "}");
        assertEquals(answered, t.toJson().get("within").toString());
        assertEquals(t, read(t.toJson().toString()), "the answer reads back as the same trigger");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "'\"10\"'", "'\"abc\"'", "'\"PT\"'", "'\"P1\"'", "'\"pt10s\"'", "'\"PT1S \"'", "'\"P1.5DT1H\"'",
            "'\"00:60\"'", "'\"1 day, 25:00\"'", "true", "[]", "{}"})
    void withinRefusesWhatPrefectRefuses(String within) {
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": " + within + "}", "trigger|within",
                "Input should be a valid timedelta");
    }

    @Test
    void withinLongerThanPythonsTimedeltaIsRefused() {
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": 86400000000000}", "trigger|within",
                "may not exceed 999,999,999 days");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": \"P1000000000D\"}", "trigger|within",
                "may not exceed 999,999,999 days");
    }

    @Test
    void extremeWithinsAreAnsweredQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(Duration.ZERO, event("{\"posture\": \"Reactive\", \"expect\": [\"a\"],"
                    + " \"within\": 1e-999999999}").within());
            refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": 1e999999999}", "trigger|within",
                    "may not exceed 999,999,999 days");
            refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": \"" + "1".repeat(200_000) + "x\"}",
                    "trigger|within", "Input should be a valid timedelta");
        });
    }

    @Test
    void anEventTriggersWithinMayNotBeNullOrNegative() {
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": null}", "trigger|within",
                "`within` should be a valid timedelta");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": -1}", "trigger|within",
                "greater than or equal to 0 seconds");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"within\": \"-PT5S\"}", "trigger|within",
                "greater than or equal to 0 seconds");
    }

    @Test
    void aProactiveTriggerWaitsAtLeastTenSeconds() {
        for (String none : List.of("", ", \"within\": 0", ", \"within\": \"PT0S\"")) {
            EventTrigger t = event("{\"posture\": \"Proactive\", \"expect\": [\"a\"]" + none + "}");
            assertEquals(Duration.ofSeconds(10), t.within(), none);
            assertEquals("10.0", t.toJson().get("within").toString());
        }
        for (String tooShort : List.of("5", "\"PT9.999S\"", "-4")) {
            refused("{\"posture\": \"Proactive\", \"expect\": [\"a\"], \"within\": " + tooShort + "}", "trigger|within",
                    "Value error, `within` for Proactive triggers must be greater than or equal to 10 seconds");
        }
        assertEquals(Duration.ofSeconds(10), event("{\"posture\": \"Proactive\", \"expect\": [\"a\"], \"within\": 10}").within());
    }

    @Test
    void aCompositesWithinIsRequiredMayBeNullAndNotNegative() {
        String child = "{\"posture\": \"Reactive\", \"expect\": [\"a\"]}";
        refused("{\"type\": \"sequence\", \"triggers\": [" + child + "]}", "trigger|within", "Field required");
        assertEquals("missing", refusal("{\"type\": \"sequence\", \"triggers\": [" + child + "]}")[2]);
        refused("{\"type\": \"compound\", \"require\": \"any\", \"triggers\": [" + child + "]}", "trigger|within",
                "Field required");
        assertNull(((CompoundTrigger) read("{\"type\": \"compound\", \"require\": \"any\", \"within\": null,"
                + " \"triggers\": [" + child + "]}")).within());
        refused("{\"type\": \"compound\", \"require\": \"all\", \"within\": -5, \"triggers\": [" + child + "]}",
                "trigger|within", "greater than or equal to 0 seconds");
        assertEquals(Duration.ofMinutes(1), ((SequenceTrigger) read("{\"type\": \"sequence\", \"within\": \"PT1M\","
                + " \"triggers\": [" + child + "]}")).within());
    }

    // ---- the other fields' refusals

    @Test
    void postureIsRequiredAndMetricGoesWithAMetricTrigger() {
        refused("{\"expect\": [\"a\"]}", "trigger|posture", "Field required");
        refused("{\"expect\": [\"a\"], \"posture\": \"reactive\"}", "trigger|posture",
                "Input should be 'Reactive' or 'Proactive'");
        refused("{\"expect\": [\"a\"], \"posture\": null}", "trigger|posture", "Input should be 'Reactive' or 'Proactive'");
        refused("{\"type\": \"event\", \"expect\": [\"a\"], \"posture\": \"Metric\"}", "trigger|posture",
                "a Metric posture goes with a trigger of type 'metric'");
        refused("{\"expect\": [\"a\"], \"posture\": \"Metric\", \"metric\": {}}", "trigger|metric|name", "Field required");
        refused("{\"type\": \"metric\", \"posture\": \"Metric\"}", "trigger|metric", "Field required");
    }

    @Test
    void metricTriggersAreReadAsPrefectsClientWritesThem() {
        MetricTrigger t = (MetricTrigger) read("{\"type\": \"metric\", \"posture\": \"Metric\", \"match\": "
                + "{\"prefect.resource.id\": \"prefect.flow-run.*\"}, \"metric\": {\"name\": \"duration\", "
                + "\"threshold\": 60, \"operator\": \">\", \"range\": 600, \"firing_for\": \"PT5M\"}}");
        assertEquals(MetricTrigger.Metric.duration, t.metric().name());
        assertEquals(Duration.ofMinutes(10), t.metric().range());
        assertEquals(Duration.ofMinutes(5), t.metric().firingFor());
        assertTrue(t.metric().breaches(61) && !t.metric().breaches(60));
        JsonObject written = t.toJson();
        assertEquals(600.0, written.getJsonObject("metric").getJsonNumber("range").doubleValue());
        assertEquals(written, read(written.toString()).toJson(), "written as read");
        refused("{\"type\": \"metric\", \"metric\": {\"name\": \"cpu\", \"threshold\": 1, \"operator\": \"<\"}}",
                "trigger|metric|name", "the metrics this server measures");
        refused("{\"type\": \"metric\", \"metric\": {\"name\": \"lateness\", \"threshold\": 1, \"operator\": \"!=\"}}",
                "trigger|metric|operator", "Input should be '<', '<=', '>' or '>='");
        refused("{\"type\": \"metric\", \"metric\": {\"name\": \"lateness\", \"threshold\": 1, \"operator\": \"<\", "
                + "\"range\": 60}}", "trigger|metric|range", "The minimum range is 300 seconds");
    }

    @Test
    void anUnknownTypeIsRefused() {
        refused("{\"type\": \"bogus\", \"posture\": \"Reactive\"}", "trigger|type",
                "Input should be 'event', 'metric', 'compound' or 'sequence'");
        refused("{\"type\": null, \"posture\": \"Reactive\"}", "trigger|type",
                "Input should be 'event', 'metric', 'compound' or 'sequence'");
        refused("[]", "trigger", "Input should be a valid dictionary");
    }

    @Test
    void requireIsAnyAllOrACountWithinTheTriggers() {
        String two = "[{\"posture\": \"Reactive\", \"expect\": [\"a\"]}, {\"posture\": \"Reactive\", \"expect\": [\"b\"]}]";
        String base = "{\"type\": \"compound\", \"within\": null, \"triggers\": " + two + ", \"require\": ";
        assertEquals(1, ((CompoundTrigger) read(base + "\"any\"}")).expectedFirings());
        assertEquals(2, ((CompoundTrigger) read(base + "\"all\"}")).expectedFirings());
        for (String count : List.of("2", "\"2\"", "2.0")) {
            CompoundTrigger t = (CompoundTrigger) read(base + count + "}");
            assertEquals(Require.atLeast(2), t.require(), count);
            assertEquals("2", t.toJson().get("require").toString(), "a count is answered as an integer");
        }
        refused(base + "0}", "trigger|require", "Value error, require must be at least 1");
        refused(base + "3}", "trigger|require", "Value error, require must be less than or equal to the number of triggers");
        refused(base + "\"some\"}", "trigger|require", "Input should be 'any', 'all' or an integer");
        refused(base + "\"ANY\"}", "trigger|require", "Input should be 'any', 'all' or an integer");
        refused(base + "1.5}", "trigger|require", "fractional part");
        refused(base + "null}", "trigger|require", "Input should be 'any', 'all' or an integer");
        refused("{\"type\": \"compound\", \"within\": null, \"triggers\": " + two + "}", "trigger|require", "Field required");
    }

    @Test
    void triggersMustBeAListOfTriggers() {
        refused("{\"type\": \"sequence\", \"within\": null}", "trigger|triggers", "Field required");
        refused("{\"type\": \"sequence\", \"within\": null, \"triggers\": {}}", "trigger|triggers",
                "Input should be a valid list");
        refused("{\"type\": \"sequence\", \"within\": null, \"triggers\": [{\"posture\": \"Reactive\","
                + " \"expect\": [\"a\"]}, {\"posture\": \"Proactive\", \"expect\": [\"a\"], \"within\": 3}]}",
                "trigger|triggers|1|within", "greater than or equal to 10 seconds");
    }

    @Test
    void thresholdIsAnIntegerAsPydanticTakesOne() {
        assertEquals(3, event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": 3}").threshold());
        assertEquals(3, event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": \"3\"}").threshold());
        assertEquals(3, event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": 3.0}").threshold());
        assertEquals(1, event("{\"posture\": \"Reactive\", \"expect\": [\"a\"]}").threshold());
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": 1.5}", "trigger|threshold",
                "fractional part");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": \"x\"}", "trigger|threshold",
                "valid integer");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": null}", "trigger|threshold",
                "valid integer");
    }

    @Test
    void namesAreSetsOfStrings() {
        refused("{\"posture\": \"Reactive\", \"expect\": \"a\"}", "trigger|expect", "Input should be a valid set");
        refused("{\"posture\": \"Reactive\", \"expect\": null}", "trigger|expect", "Input should be a valid set");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"for_each\": [1]}", "trigger|for_each|0",
                "Input should be a valid string");
        refused("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"after\": [\"b\", {}]}", "trigger|after|1",
                "Input should be a valid string");
    }

    @Test
    void resourceSpecificationsAreRefusedWhereTheProblemIs() {
        // a label keeps its dots: it is one part of the location
        refused("{\"posture\": \"Reactive\", \"match\": {\"prefect.resource.id\": 1}}",
                "trigger|match|prefect.resource.id", "Input should be a valid string or a list of strings");
        refused("{\"posture\": \"Reactive\", \"match\": {\"prefect.resource.id\": [\"a\", 2]}}",
                "trigger|match|prefect.resource.id|1", "Input should be a valid string");
        refused("{\"posture\": \"Reactive\", \"match\": \"x\"}", "trigger|match", "Input should be a valid dictionary");
        refused("{\"posture\": \"Reactive\", \"match\": null}", "trigger|match", "Input should be a valid dictionary");
        refused("{\"posture\": \"Reactive\", \"match_related\": \"x\"}", "trigger|match_related",
                "Input should be a valid dictionary or a list of dictionaries");
        refused("{\"posture\": \"Reactive\", \"match_related\": [{\"a\": \"b\"}, 1]}", "trigger|match_related|1",
                "Input should be a valid dictionary");
        refused("{\"posture\": \"Reactive\", \"match_related\": [{\"prefect.resource.role\": [true]}]}",
                "trigger|match_related|0|prefect.resource.role|0", "Input should be a valid string");
    }

    // ---- Steward's rule: no trigger on every event

    @Test
    void aTriggerOnEveryEventIsRefusedWhereverItIs() {
        for (String everything : List.of("{\"posture\": \"Reactive\"}", "{\"posture\": \"Proactive\"}",
                "{\"posture\": \"Reactive\", \"match\": {}, \"match_related\": []}",
                "{\"posture\": \"Reactive\", \"match_related\": [{}, {}]}",
                "{\"posture\": \"Reactive\", \"for_each\": [\"prefect.resource.id\"], \"threshold\": 5, \"within\": 60}")) {
            String[] r = refusal(everything);
            assertEquals("trigger", r[0], everything);
            assertTrue(r[1].contains("every event in the workspace"), r[1]);
            for (String field : List.of("expect", "after", "match", "match_related")) assertTrue(r[1].contains(field));
        }
        String ok = "{\"posture\": \"Reactive\", \"expect\": [\"a\"]}";
        refused("{\"type\": \"compound\", \"require\": \"any\", \"within\": null, \"triggers\": [" + ok
                + ", {\"posture\": \"Reactive\"}]}", "trigger|triggers|1", "every event in the workspace");
        refused("{\"type\": \"sequence\", \"within\": null, \"triggers\": [{\"type\": \"compound\", \"require\": \"all\","
                + " \"within\": null, \"triggers\": [{\"posture\": \"Reactive\"}]}]}", "trigger|triggers|0|triggers|0",
                "every event in the workspace");
        // any one of the four narrows it
        event("{\"posture\": \"Reactive\", \"after\": [\"a\"]}");
        event("{\"posture\": \"Reactive\", \"match\": {\"prefect.resource.id\": \"x.*\"}}");
        event("{\"posture\": \"Reactive\", \"match_related\": {\"prefect.resource.role\": \"flow\"}}");
        event("{\"posture\": \"Reactive\", \"match_related\": [{}, {\"prefect.resource.role\": \"flow\"}]}");
    }

    // ---- the model: round trips, ids, the walk

    @Test
    void whatIsAnsweredReadsBackAsTheSameTrigger() {
        for (String json : List.of(CLIENT_REACTIVE, CLIENT_PROACTIVE, CLIENT_COMPOUND, CLIENT_SEQUENCE,
                "{\"posture\": \"Reactive\", \"match\": {\"a\": [\"x\", \"y\"], \"b\": \"z\"},"
                        + " \"match_related\": [{\"prefect.resource.role\": \"flow\"}, {}], \"threshold\": 4, \"within\": 0.25}")) {
            Trigger first = read(json);
            Trigger again = read(first.toJson().toString());
            assertEquals(first, again, json);
            assertEquals(first.toJson(), again.toJson());
        }
        EventTrigger listed = event("{\"posture\": \"Reactive\", \"match_related\": [{\"a\": \"b\"}]}");
        assertTrue(listed.matchRelatedIsList());
        assertEquals("[{\"a\":\"b\"}]", listed.toJson().get("match_related").toString());
    }

    @Test
    void allWalksDepthFirstParentsFirstAndNewIdsReachEveryTrigger() {
        String json = "{\"type\": \"compound\", \"require\": 1, \"within\": null, \"triggers\": ["
                + "{\"id\": \"00000000-0000-0000-0000-000000000001\", \"posture\": \"Reactive\", \"expect\": [\"a\"]},"
                + "{\"type\": \"sequence\", \"id\": \"00000000-0000-0000-0000-000000000002\", \"within\": 60, \"triggers\": ["
                + "  {\"id\": \"00000000-0000-0000-0000-000000000003\", \"posture\": \"Reactive\", \"expect\": [\"b\"]}]},"
                + "{\"id\": \"00000000-0000-0000-0000-000000000004\", \"posture\": \"Reactive\", \"expect\": [\"c\"]}]}";
        Trigger t = read(json);
        List<Trigger> all = t.all();
        assertEquals(5, all.size());
        assertEquals(t, all.get(0));
        assertEquals(List.of("1", "2", "3", "4"), all.subList(1, 5).stream()
                .map(x -> Long.toString(x.id().getLeastSignificantBits())).toList());

        Trigger fresh = t.withNewIds();
        Set<UUID> before = new HashSet<>();
        all.forEach(x -> before.add(x.id()));
        List<Trigger> after = fresh.all();
        assertEquals(5, after.size());
        for (int i = 0; i < 5; i++) {
            assertFalse(before.contains(after.get(i).id()), "trigger " + i + " kept its id");
            assertEquals(all.get(i).type(), after.get(i).type());
        }
        assertEquals(5, after.stream().map(Trigger::id).distinct().count());
        EventTrigger oldLeaf = (EventTrigger) all.get(3);
        EventTrigger newLeaf = (EventTrigger) after.get(3);
        assertEquals(oldLeaf.expect(), newLeaf.expect());
        assertNotEquals(oldLeaf, newLeaf);
    }

    // ---- matching

    @Test
    void nameMatchesIsPrefectsGlobWithNegation() {
        assertTrue(EventTrigger.nameMatches("prefect.flow-run.*", "prefect.flow-run.Completed"));
        assertTrue(EventTrigger.nameMatches("prefect.flow-run.*", "prefect.flow-run."), "a * may match nothing");
        assertFalse(EventTrigger.nameMatches("prefect.flow-run.*", "prefect.task-run.Completed"));
        assertTrue(EventTrigger.nameMatches("prefect.*.Completed", "prefect.flow-run.Completed"));
        assertTrue(EventTrigger.nameMatches("prefect.flow-run.Completed", "prefect.flow-run.Completed"));
        assertFalse(EventTrigger.nameMatches("prefect.flow-run.Completed", "prefect.flow-run.CompletedLater"),
                "the whole name must match");
        assertFalse(EventTrigger.nameMatches("prefect.flow-run.completed", "prefect.flow-run.Completed"),
                "case matters");
        assertTrue(EventTrigger.nameMatches("!prefect.flow-run.*", "prefect.task-run.Completed"));
        assertFalse(EventTrigger.nameMatches("!prefect.flow-run.*", "prefect.flow-run.Completed"));
        assertFalse(EventTrigger.nameMatches("!anything", null), "an absent value matches no pattern, negated or not");
        assertFalse(EventTrigger.nameMatches("*", null));
        assertTrue(EventTrigger.nameMatches("a?c", "abc"));
        assertFalse(EventTrigger.nameMatches("a?c", "ac"));
        assertTrue(EventTrigger.nameMatches("prefect.flow-run.[CF]*", "prefect.flow-run.Failed"));
        assertFalse(EventTrigger.nameMatches("prefect.flow-run.[!CF]*", "prefect.flow-run.Failed"));
        assertTrue(EventTrigger.nameMatches("v[0-9]", "v7"));
        assertTrue(EventTrigger.nameMatches("[]a]", "]"), "a ] first in a set is a member");
        assertTrue(EventTrigger.nameMatches("a[b", "a[b"), "an unclosed [ is literal");
        assertFalse(EventTrigger.nameMatches("[z-a]", "m"), "an inverted range is empty");
        assertTrue(EventTrigger.nameMatches("[!z-a]", "m"), "and its negation any character");
        assertTrue(EventTrigger.nameMatches("a.b(c)+", "a.b(c)+"), "regex characters are literal");
        assertTrue(EventTrigger.nameMatches("*.*.*.*.*.*.x", "a.b.c.d.e.f.x"));
    }

    @Test
    void coversTestsEventNamesAsPrefectsServerDoes() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"prefect.flow-run.*\"],"
                + " \"after\": [\"external.started\"]}");
        String resource = "{\"prefect.resource.id\": \"x\"}";
        assertTrue(t.covers(eventAt("prefect.flow-run.Completed", resource)));
        assertTrue(t.covers(eventAt("external.started", resource)), "after's names are covered too");
        assertFalse(t.covers(eventAt("prefect.flow-run.", resource)), "in covers a * stands for one character or more");
        assertFalse(t.covers(eventAt("prefect.task-run.Completed", resource)));
        // Prefect's server tests names from their start only: a longer name is covered
        assertTrue(t.covers(eventAt("external.started.again", resource)));
        assertFalse(t.expects("external.started"), "yet expects is a whole-name glob of expect alone");
        assertTrue(t.startsAfter("external.started"));
        assertFalse(t.startsAfter("external.started.again"));

        EventTrigger onlyAfter = event("{\"posture\": \"Reactive\", \"after\": [\"a\"]}");
        assertTrue(onlyAfter.covers(eventAt("anything.at.all", resource)), "without expect every name is covered");
        assertTrue(onlyAfter.expects("anything.at.all"));
        EventTrigger noAfter = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"]}");
        assertFalse(noAfter.startsAfter("a"), "without after nothing starts a window");
    }

    @Test
    void manyStarsInAnExpectedNameCannotStallMatching() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"*a*a*a*a*a*a*a*a*a*a*a*a*b\"]}");
        String name = "a".repeat(1024);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertFalse(t.covers(eventAt(name, "{\"prefect.resource.id\": \"x\"}")));
            assertFalse(t.expects(name));
        });
        assertTrue(t.covers(eventAt("xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "{\"prefect.resource.id\": \"x\"}")));
        assertFalse(t.covers(eventAt("aaaaaaaaaaaaaaaaaaaaaaaab", "{\"prefect.resource.id\": \"x\"}")),
                "each * stands for at least one character");
    }

    @Test
    void resourceSpecificationsMatchAsPrefectsIncludes() {
        ResourceSpecification empty = ResourceSpecification.EMPTY;
        assertTrue(empty.includes(List.of()), "an empty specification includes even no resources");
        JsonObject run = (JsonObject) Json.parse("{\"prefect.resource.id\": \"prefect.flow-run.1\","
                + " \"prefect.resource.name\": \"able-fox\"}");
        ResourceSpecification ids = ResourceSpecification.read(
                Json.parse("{\"prefect.resource.id\": [\"prefect.flow-run.*\", \"prefect.task-run.*\"]}"), "m");
        assertTrue(ids.includes(List.of(run)));
        assertFalse(ids.includes(List.of()), "a specification includes nothing from no resources");
        ResourceSpecification both = ResourceSpecification.read(
                Json.parse("{\"prefect.resource.id\": \"prefect.flow-run.*\", \"prefect.resource.name\": \"!able-*\"}"), "m");
        assertFalse(both.includes(List.of(run)), "every label must match");
        ResourceSpecification absent = ResourceSpecification.read(Json.parse("{\"tag\": \"!prod\"}"), "m");
        assertFalse(absent.includes(List.of(run)), "a negated value still needs the label");
        assertTrue(absent.includes(List.of(run, (JsonObject) Json.parse("{\"tag\": \"dev\"}"))), "any resource will do");
        ResourceSpecification none = ResourceSpecification.read(Json.parse("{\"prefect.resource.id\": []}"), "m");
        assertFalse(none.includes(List.of(run)), "no values match nothing");
    }

    @Test
    void everyMatchRelatedSpecificationMustFindARelatedResource() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"prefect.flow-run.*\"],"
                + " \"match\": {\"prefect.resource.id\": \"prefect.flow-run.*\"},"
                + " \"match_related\": [{\"prefect.resource.role\": \"flow\", \"prefect.resource.name\": \"etl\"},"
                + "                    {\"prefect.resource.role\": \"tag\", \"prefect.resource.id\": \"prefect.tag.prod\"}]}");
        String run = "{\"prefect.resource.id\": \"prefect.flow-run.1\"}";
        String flow = "{\"prefect.resource.id\": \"prefect.flow.9\", \"prefect.resource.role\": \"flow\","
                + " \"prefect.resource.name\": \"etl\"}";
        String prod = "{\"prefect.resource.id\": \"prefect.tag.prod\", \"prefect.resource.role\": \"tag\"}";
        String dev = "{\"prefect.resource.id\": \"prefect.tag.dev\", \"prefect.resource.role\": \"tag\"}";
        assertTrue(t.covers(eventAt("prefect.flow-run.Completed", run, dev, flow, prod)));
        assertFalse(t.covers(eventAt("prefect.flow-run.Completed", run, flow, dev)), "the tag spec finds nothing");
        assertFalse(t.covers(eventAt("prefect.flow-run.Completed", run)), "nor does either without related resources");
        assertFalse(t.covers(eventAt("prefect.flow-run.Completed", "{\"prefect.resource.id\": \"prefect.task-run.1\"}",
                flow, prod)), "the resource must match too");

        EventTrigger anyRelated = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"match_related\": []}");
        assertTrue(anyRelated.covers(eventAt("a", run)), "an empty list asks nothing of related resources");
    }

    @Test
    void bucketingKeysAndTriggeringLabelsFollowSortedForEachLabels() {
        EventTrigger t = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"for_each\": ["
                + "\"related:flow:prefect.resource.name\", \"prefect.resource.id\", \"missing.label\","
                + " \"related:tag:prefect.resource.name\", \"related:nowhere:prefect.resource.id\"]}");
        JsonObject e = eventAt("a", "{\"prefect.resource.id\": \"prefect.flow-run.1\"}",
                "{\"prefect.resource.id\": \"prefect.tag.a\", \"prefect.resource.role\": \"tag\"}",
                "{\"prefect.resource.id\": \"prefect.flow.1\", \"prefect.resource.role\": \"flow\", \"prefect.resource.name\": \"first\"}",
                "{\"prefect.resource.id\": \"prefect.flow.2\", \"prefect.resource.role\": \"flow\", \"prefect.resource.name\": \"second\"}",
                "{\"prefect.resource.id\": \"prefect.tag.b\", \"prefect.resource.role\": \"tag\", \"prefect.resource.name\": \"b\"}");
        // sorted: missing.label, prefect.resource.id, related:flow:..., related:nowhere:..., related:tag:...
        // the first related resource in a role answers, even when it lacks the label (the tag)
        assertEquals(List.of("", "prefect.flow-run.1", "first", "", ""), t.bucketingKey(e));
        Map<String, String> labels = t.triggeringLabels(e);
        assertEquals(List.of("missing.label", "prefect.resource.id", "related:flow:prefect.resource.name",
                "related:nowhere:prefect.resource.id", "related:tag:prefect.resource.name"), List.copyOf(labels.keySet()));
        assertEquals("first", labels.get("related:flow:prefect.resource.name"));
        assertEquals(List.of(), event("{\"posture\": \"Reactive\", \"expect\": [\"a\"]}").bucketingKey(e));
    }

    @Test
    void matchesEveryResourceOfKindIsPrefectsLoopGuard() {
        assertTrue(ResourceSpecification.EMPTY.matchesEveryResourceOfKind("prefect.flow-run"));
        assertTrue(spec("{\"prefect.resource.id\": \"prefect.flow-run.*\"}").matchesEveryResourceOfKind("prefect.flow-run"));
        assertTrue(spec("{\"prefect.resource.id\": [\"x\", \"prefect.flow-run.*\"]}")
                .matchesEveryResourceOfKind("prefect.flow-run"));
        assertFalse(spec("{\"prefect.resource.id\": \"prefect.flow-run.1\"}").matchesEveryResourceOfKind("prefect.flow-run"));
        assertFalse(spec("{\"prefect.resource.id\": \"prefect.flow-run.*\", \"tag\": \"a\"}")
                .matchesEveryResourceOfKind("prefect.flow-run"));
        assertFalse(spec("{\"prefect.resource.name\": \"prefect.flow-run.*\"}").matchesEveryResourceOfKind("prefect.flow-run"));
    }

    static ResourceSpecification spec(String json) {
        return ResourceSpecification.read(Json.parse(json), "match");
    }

    @Test
    void thresholdsByPosture() {
        EventTrigger reactive = event("{\"posture\": \"Reactive\", \"expect\": [\"a\"], \"threshold\": 3, \"within\": 60}");
        assertFalse(reactive.meetsThreshold(2));
        assertTrue(reactive.meetsThreshold(3));
        assertFalse(reactive.immediate(), "a window means counting");
        EventTrigger proactive = event("{\"posture\": \"Proactive\", \"expect\": [\"a\"], \"threshold\": 3}");
        assertTrue(proactive.meetsThreshold(2));
        assertFalse(proactive.meetsThreshold(3));
        assertFalse(proactive.immediate());
    }
}
