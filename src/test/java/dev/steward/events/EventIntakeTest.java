package dev.steward.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
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
