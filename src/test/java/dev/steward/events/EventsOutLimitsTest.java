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
        EventsOutLimits.Place first = q.take(key);
        assertNull(q.take(key).refusal());
        String refusal = q.take(key).refusal();
        assertNotNull(refusal);
        assertTrue(refusal.contains("API key (2)"), refusal);
        assertNull(q.take(UUID.randomUUID()).refusal(), "another key has its own share");
        first.release();
        first.release(); // twice gives back one place only
        assertNull(q.take(key).refusal());
        assertNotNull(q.take(key).refusal());
    }

    @Test
    void theInstanceTotalBindsAllKeys() {
        EventsOutLimits q = quota(5, 3);
        EventsOutLimits.Place a = q.take(UUID.randomUUID());
        q.take(UUID.randomUUID());
        q.take(UUID.randomUUID());
        EventsOutLimits.Place refused = q.take(UUID.randomUUID());
        assertTrue(refused.refusal().contains("server (3)"), refused.refusal());
        refused.release(); // a refusal holds nothing
        assertNotNull(q.take(UUID.randomUUID()).refusal());
        a.release();
        assertNull(q.take(UUID.randomUUID()).refusal());
    }
}
