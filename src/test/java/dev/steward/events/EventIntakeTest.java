package dev.steward.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the events intake takes from a client, and which failures mean PostgreSQL refuses an event's data. */
class EventIntakeTest {
    static final UUID WS = UUID.randomUUID();

    static String event(String name, String resourceId, String occurred) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"occurred\":\"" + occurred + "\",\"event\":\"" + name + "\","
                + "\"resource\":{\"prefect.resource.id\":\"" + resourceId + "\"}}";
    }

    @Test
    void takesPrefectsLimits() {
        RunEvent ok = EventIntake.parse(WS, event("n".repeat(1024), "r".repeat(1024), "2026-01-01T00:00:00+02:00"));
        assertEquals(1024, ok.name().length());
        assertEquals("2025-12-31T22:00:00Z", ok.occurred().toString());
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, event("n".repeat(1025), "r", "2026-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, event("n", "r".repeat(1025), "2026-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, event("n", "r", "0000-12-31T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, event("n", "r", "+10000-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, event("n", "", "2026-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, "[]"));
    }

    @Test
    void aPrefectShapedFrameIsKeptAndPublishedWithItsReceivedTime() {
        String id = UUID.randomUUID().toString();
        String frame = "{\"occurred\":\"2026-01-01T00:00:00.123456+00:00\",\"event\":\"prefect.task-run.Running\","
                + "\"resource\":{\"prefect.resource.id\":\"r\"},\"related\":[],\"payload\":{\"a\":1},"
                + "\"id\":\"" + id + "\",\"follows\":null}\n";
        RunEvent kept = EventIntake.parse(WS, frame);
        assertEquals(frame, kept.wire(), "the client's text is stored and published as sent");
        JsonObject published = Json.parseObject(kept.toJson(Instant.parse("2026-01-01T00:00:01Z")));
        assertEquals("2026-01-01T00:00:01Z", published.getString("received"));
        assertEquals(id, published.getString("id"));
        assertEquals(1, published.getJsonObject("payload").getInt("a"));
        assertEquals(8, published.size());
    }

    @Test
    void aFrameOfAnotherShapeIsWrittenOutInPrefectsShape() {
        String id = UUID.randomUUID().toString();
        String base = "\"occurred\":\"2026-01-01T00:00:00Z\",\"event\":\"e\",\"resource\":{\"prefect.resource.id\":\"r\"}";
        for (String frame : List.of(
                "{" + base + ",\"id\":\"" + id + "\"}", // related, payload and follows left out
                "{" + base + ",\"id\":\"" + id + "\",\"related\":[],\"payload\":{},\"follows\":null,\"received\":\"x\"}",
                "{" + base + ",\"id\":\"" + id.toUpperCase() + "\",\"related\":[],\"payload\":{},\"follows\":null}",
                "{" + base + ",\"id\":\"" + id + "\",\"related\":{},\"payload\":{},\"follows\":null}")) {
            RunEvent event = EventIntake.parse(WS, frame);
            JsonObject wire = Json.parseObject(event.wire());
            assertEquals(Set.of("id", "occurred", "event", "resource", "related", "payload", "follows"), wire.keySet(), frame);
            assertEquals(id, wire.getString("id"), frame);
            assertEquals(JsonValue.ValueType.ARRAY, wire.get("related").getValueType(), frame);
            assertEquals("1970-01-01T00:00:00Z", Json.parseObject(event.toJson(Instant.EPOCH)).getString("received"), frame);
        }
    }

    @Test
    void theResourceRelatedAndPayloadAreStoredAsTheClientWroteThem() {
        String resource = "{ \"prefect.resource.id\" : \"r\" }";
        String related = "[ {\"prefect.resource.id\":\"x\", \"n\": [1, 2.5e3]} ]";
        String payload = "{\n  \"a\": [1, {\"b\": \"\u00e9\\\"} ]\"}],\n  \"c\": {}, \"d\": null\n}";
        String frame = "{\n \"id\": \"" + UUID.randomUUID() + "\", \"occurred\": \"2026-01-01T00:00:00Z\", "
                + "\"event\": \"e\",\n \"resource\": " + resource + ", \"related\" : " + related + ",\n"
                + " \"payload\":" + payload + ", \"follows\": null }\n";
        RunEvent event = EventIntake.parse(WS, frame);
        assertEquals(new RunEvent.Texts(resource, related, payload), event.texts());
        assertEquals(event.payload(), Json.parseObject(event.texts().payload()));
        assertEquals(event.related(), Json.parse(event.texts().related()));
        assertEquals("\u00e9\"} ]", event.payload().getJsonArray("a").getJsonObject(1).getString("b"));

        String base = "\"id\":\"" + UUID.randomUUID() + "\",\"occurred\":\"2026-01-01T00:00:00Z\",\"event\":\"e\","
                + "\"resource\":{\"prefect.resource.id\":\"r\"}";
        RunEvent bare = EventIntake.parse(WS, "{" + base + "}");
        assertEquals(new RunEvent.Texts("{\"prefect.resource.id\":\"r\"}", "[]", "{}"), bare.texts());
        RunEvent odd = EventIntake.parse(WS, "{" + base + ",\"related\":{\"a\":1},\"payload\":{\"a\":1},\"payload\":7}");
        assertEquals(new RunEvent.Texts("{\"prefect.resource.id\":\"r\"}", "[]", "{}"), odd.texts(),
                "a related that is not an array is stored as none, and the last of two payloads counts, as in the tree");
        RunEvent twice = EventIntake.parse(WS, "{" + base + ",\"payload\":7,\"payload\":{\"b\":2}}");
        assertEquals("{\"b\":2}", twice.texts().payload());
        assertEquals(2, twice.payload().getInt("b"));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, "{" + base + "} {}"));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, "{" + base + ","));
        assertThrows(IllegalArgumentException.class, () -> EventIntake.parse(WS, "{" + base + ",\"payload\":{\"x\":"
                + "[".repeat(5000) + "]".repeat(5000) + "}}"), "nesting beyond the parser's limit");
    }

    @Test
    void dataExceptionsAndLimitsAreRefusedData() {
        RuntimeException nul = new RuntimeException("wrapped", new IllegalStateException(new SQLException("nul", "22P05")));
        RuntimeException indexRow = new RuntimeException(new SQLException("index row size exceeds maximum", "54000"));
        RuntimeException gone = new RuntimeException(new SQLException("connection refused", "08001"));
        assertTrue(EventsInConnection.refusedData(nul));
        assertTrue(EventsInConnection.refusedData(indexRow));
        assertFalse(EventsInConnection.refusedData(gone), "a lost connection is retried by the client, not dropped");
        assertFalse(EventsInConnection.refusedData(new IllegalStateException("no SQL state")));
        assertTrue(EventIntake.isConflict(new RuntimeException(new SQLException("duplicate key", "23505"))));
        assertTrue(EventIntake.isConflict(new RuntimeException(new SQLException("deadlock detected", "40P01"))));
        assertFalse(EventIntake.isConflict(gone));
    }
}
