package dev.steward.events;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventsOutLimitsTest {
    private static EventsOutLimits quota(int perKey, int perInstance) {
        EventsOutLimits q = new EventsOutLimits();
        q.maxPerKey = perKey;
        q.maxPerInstance = perInstance;
        return q;
    }

    @Test
    void aKeyPastItsShareIsRefusedUntilAPlaceIsGivenBack() {
        EventsOutLimits q = quota(2, 10);
        UUID key = UUID.randomUUID();
        EventsOutLimits.Place first = q.take(key, () -> true);
        assertNull(q.take(key, () -> true).refusal());
        String refusal = q.take(key, () -> true).refusal();
        assertNotNull(refusal);
        assertTrue(refusal.contains("API key (2)"), refusal);
        assertNull(q.take(UUID.randomUUID(), () -> true).refusal(), "another key has its own share");
        first.release();
        first.release(); // twice gives back one place only
        assertNull(q.take(key, () -> true).refusal());
        assertNotNull(q.take(key, () -> true).refusal());
    }

    @Test
    void theInstanceTotalBindsAllKeys() {
        EventsOutLimits q = quota(5, 3);
        EventsOutLimits.Place a = q.take(UUID.randomUUID(), () -> true);
        q.take(UUID.randomUUID(), () -> true);
        q.take(UUID.randomUUID(), () -> true);
        EventsOutLimits.Place refused = q.take(UUID.randomUUID(), () -> true);
        assertTrue(refused.refusal().contains("server (3)"), refused.refusal());
        refused.release(); // a refusal holds nothing
        assertNotNull(q.take(UUID.randomUUID(), () -> true).refusal());
        a.release();
        assertNull(q.take(UUID.randomUUID(), () -> true).refusal());
    }

    @Test
    void placesOfConnectionsNoLongerOpenAreTakenBackBeforeARefusal() {
        EventsOutLimits q = quota(2, 10);
        UUID key = UUID.randomUUID();
        boolean[] open = {true};
        q.take(key, () -> open[0]); // its close was never reported
        q.take(key, () -> true);
        assertNotNull(q.take(key, () -> true).refusal(), "both connections count while open");
        open[0] = false;
        assertNull(q.take(key, () -> true).refusal(), "the closed one's place is taken back");
        assertNotNull(q.take(key, () -> true).refusal());
    }
}
