package dev.steward.platform;

import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BodyTest {
    @Test
    void malformedJsonIsA422NamingTheProblem() {
        Problem e = assertThrows(Problem.class, () -> Body.parse("{\"name\": "));
        assertEquals(422, ErrorMappers.status(e));
        assertTrue(e.detail().toString().contains("Malformed JSON"), e.detail().toString());
    }

    @Test
    void aBodyThatIsNotAnObjectIsRejected() {
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> Body.parse("[1,2]"))));
    }

    @Test
    void wrongTypesNameTheField() {
        Body body = Body.parse("{\"name\": 5, \"tags\": [\"a\", 3], \"limit\": 1.5}");
        Problem name = assertThrows(Problem.class, () -> body.requiredString("name"));
        assertEquals("[\"body\",\"name\"]", ((JsonArray) name.detail()).getJsonObject(0).get("loc").toString());
        Problem tag = assertThrows(Problem.class, () -> body.optionalStrings("tags"));
        assertEquals("[\"body\",\"tags\",\"1\"]", ((JsonArray) tag.detail()).getJsonObject(0).get("loc").toString());
        assertThrows(Problem.class, () -> body.integer("limit", 10, 0, 100));
    }

    @Test
    void uuidsAreCheckedWhereTheyAre() {
        Body body = Body.parse("{\"id\": \"1b4e28ba-2fa1-11d2-883f-0016d3cca427\", \"bad\": \"nope\", \"none\": null}");
        assertEquals(java.util.UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), body.requiredUuid("id"));
        assertTrue(body.optionalUuid("none").isEmpty());
        Problem bad = assertThrows(Problem.class, () -> body.optionalUuid("bad"));
        assertEquals("[\"body\",\"bad\"]", ((JsonArray) bad.detail()).getJsonObject(0).get("loc").toString());
        assertTrue(bad.detail().toString().contains("valid UUID"));
        assertTrue(assertThrows(Problem.class, () -> body.requiredUuid("absent")).detail().toString().contains("Field required"));
    }

    @Test
    void rangesAndUnknownFields() {
        Body body = Body.parse("{\"limit\": 500, \"extra\": true}");
        Problem range = assertThrows(Problem.class, () -> body.integer("limit", 10, 0, 200));
        assertTrue(range.detail().toString().contains("less than or equal to 200"));
        assertThrows(Problem.class, () -> body.rejectUnknown(List.of("limit")));
        assertEquals(10, Body.parse("").integer("limit", 10, 0, 200));
    }

    @Test
    void numbersAndBooleans() {
        Body body = Body.parse("{\"ttl\": 0.5, \"whole\": 60, \"flag\": false, \"word\": \"yes\"}");
        assertEquals(60.0, body.number("whole", 300, 1, 86400));
        assertEquals(300.0, body.number("absent", 300, 1, 86400));
        Problem low = assertThrows(Problem.class, () -> body.number("ttl", 300, 60, 86400));
        assertTrue(low.detail().toString().contains("greater than or equal to 60"), low.detail().toString());
        assertThrows(Problem.class, () -> body.number("word", 0, 0, 1));
        assertEquals(false, body.optionalBoolean("flag").orElseThrow());
        assertTrue(body.optionalBoolean("absent").isEmpty());
        assertThrows(Problem.class, () -> body.optionalBoolean("word"));
    }

    @Test
    void parserLimitsHugeNumbersAndFarDatesAreA422() {
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> Body.parse("[".repeat(5000) + "]".repeat(5000)))));
        Body body = Body.parse("{\"limit\": 99999999999999999999, \"at\": \"+99999-01-01T00:00:00Z\", \"n\": 1e400,"
                + " \"naive\": \"2026-01-01T10:00:00\", \"python\": \"2026-01-01 10:00:00.250000+01:00\"}");
        assertThrows(Problem.class, () -> body.integer("limit", 10, 0, 200));
        assertThrows(Problem.class, () -> Paging.limit(body));
        assertThrows(Problem.class, () -> body.optionalInstant("at"));
        assertThrows(Problem.class, () -> body.number("n", 0));
        assertEquals(java.time.Instant.parse("2026-01-01T10:00:00Z"), body.requiredInstant("naive"));
        assertEquals(java.time.Instant.parse("2026-01-01T09:00:00.25Z"), body.requiredInstant("python"));
    }

    @Test
    void aSpaceMaySeparateDateAndTimeAsInPythonsStrOfADatetime() {
        Body body = Body.parse("{\"at\": \"2026-11-21 14:34:23.273449+00:00\", \"bad\": \"2026-11-21  14:34:23\"}");
        assertEquals(java.time.Instant.parse("2026-11-21T14:34:23.273449Z"), body.requiredInstant("at"));
        assertThrows(Problem.class, () -> body.optionalInstant("bad"));
    }

    private static String nulLoc(String json) {
        Problem e = assertThrows(Problem.class, () -> Body.refuseNul(json, "body"));
        assertEquals(422, ErrorMappers.status(e));
        return ((JsonArray) e.detail()).getJsonObject(0).get("loc").toString();
    }

    @Test
    void aNulAnywhereIsRefusedNamingWhereItIs() {
        String nul = "\\u0000";
        assertEquals("[\"body\",\"value\"]", nulLoc("{\"name\":\"v\",\"value\":\"a" + nul + "b\"}"));
        assertEquals("[\"body\",\"flow_runs\",\"name\",\"any_\",\"1\"]",
                nulLoc("{\"flow_runs\":{\"name\":{\"any_\":[\"ok\",\"" + nul + "\"]}}}"));
        // a key: named with its NUL shown escaped; a dotted key stays one part
        assertEquals("[\"body\",\"labels\",\"prefect.k\\\\u0000\"]",
                nulLoc("{\"labels\":{\"prefect.k" + nul + "\":\"v\"}}"));
        assertEquals("[\"body\",\"0\",\"message\"]", nulLoc("[{\"message\":\"" + nul + "\"}]"));
    }

    @Test
    void textWithoutANulPasses() {
        Body.refuseNul("{\"a\":\"\\\\u0000 is how JSON writes it\",\"b\":[1,{\"c\":null}]}", "body");
        Body.refuseNul("{\"a\":", "body"); // malformed: left for the parser to explain
        Body.refuseNul(null, "body");
    }

    @Test
    void aFieldErrorSummarisesOnOneLine() {
        assertEquals("frame.filter.text: bad", InvalidInput.at(java.util.List.of("frame", "filter", "text"), "bad",
                "value_error").summary());
        assertEquals("gone", new Conflict("gone").summary());
    }
}
