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
    void dataExceptionsAndLimitsAreRefusedData() {
        RuntimeException nul = new RuntimeException("wrapped", new IllegalStateException(new SQLException("nul", "22P05")));
        RuntimeException indexRow = new RuntimeException(new SQLException("index row size exceeds maximum", "54000"));
        RuntimeException gone = new RuntimeException(new SQLException("connection refused", "08001"));
        assertTrue(EventsInConnection.refusedData(nul));
        assertTrue(EventsInConnection.refusedData(indexRow));
        assertFalse(EventsInConnection.refusedData(gone), "a lost connection is retried by the client, not dropped");
        assertFalse(EventsInConnection.refusedData(new IllegalStateException("no SQL state")));
    }
}
