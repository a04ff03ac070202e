package dev.steward.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Slot arithmetic of a limit: decay of rate limits, denied slots, occupancy, and the retry delay's jitter. */
class ConcurrencyLimitTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aConcurrencyLimitDoesNotDecay() {
        ConcurrencyLimit limit = new ConcurrencyLimit("db", 2, true, 0, 0, 0, T0);
        limit.occupy(2);
        assertEquals(2, limit.activeSlotsAt(T0.plusSeconds(3600)));
        limit.settle(T0.plusSeconds(10), 30);
        limit.release(1);
        assertEquals(1, limit.activeSlotsAt(T0.plusSeconds(10)));
        limit.release(5);
        assertEquals(0, limit.activeSlotsAt(T0.plusSeconds(10)), "never below zero");
    }

    @Test
    void aRateLimitDrainsLikeALeakyBucketWithoutLosingFractions() {
        ConcurrencyLimit limit = new ConcurrencyLimit("api", 2, true, 0, 0, 1.0, T0);
        limit.occupy(1);
        assertEquals(1, limit.activeSlotsAt(T0.plusMillis(500)), "a slot partly drained still counts");
        assertEquals(0, limit.activeSlotsAt(T0.plusMillis(1000)));
        // touched every 400 ms: Prefect's integer floor would never drain; the bucket still does
        Instant t = T0;
        for (int i = 0; i < 3; i++) {
            t = t.plusMillis(400);
            limit.settle(t, 30);
        }
        assertEquals(0, limit.activeSlotsAt(t));
        limit.occupy(2);
        limit.settle(t.plusMillis(500), 30);
        assertEquals(2, limit.activeSlotsAt(t.plusMillis(500)), "1.5 slots in use read as 2");
        assertEquals(1, limit.activeSlotsAt(t.plusMillis(1500)));
        assertEquals(0, limit.activeSlotsAt(t.plusMillis(2000)));
    }

    @Test
    void deniedSlotsDecayAtOneSlotPerAverageOccupancyCappedByTheMaximumWait() {
        ConcurrencyLimit limit = new ConcurrencyLimit("db", 1, true, 0, 0, 0, T0);
        limit.deny(4); // average occupancy starts at 2 s: one denied slot forgotten every 2 s
        assertEquals(4, limit.deniedSlotsAt(T0, 30));
        assertEquals(3, limit.deniedSlotsAt(T0.plusSeconds(2), 30));
        assertEquals(0, limit.deniedSlotsAt(T0.plusSeconds(8), 30));
        assertEquals(2, limit.deniedSlotsAt(T0.plusSeconds(2), 1), "a cap of 1 s forgets one a second");
    }

    @Test
    void occupancyIsAMovingAverageOverTwiceTheLimit() {
        ConcurrencyLimit limit = new ConcurrencyLimit("db", 1, true, 0, 0, 0, T0);
        limit.recordOccupancy(10, 1); // 2 + 10/2 - 2/2
        assertEquals(6.0, limit.getAvgSlotOccupancySeconds(), 1e-9);
        limit.recordOccupancy(0.001, 1); // floored at 0.1 s per slot
        assertEquals(6.0 + 0.05 - 3.0, limit.getAvgSlotOccupancySeconds(), 1e-9);
    }

    @Test
    void retryDelaysStayWithinTheClampAroundTheirAverage() {
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double d = Slots.jittered(10);
            lowest = Math.min(lowest, d);
            highest = Math.max(highest, d);
            sum += d;
        }
        assertTrue(lowest >= 10 * 0.5 && highest <= 13.0 + 1e-9, lowest + " .. " + highest);
        assertEquals(10, sum / n, 0.5, "the mean stays about the average");
        assertEquals(0, Slots.jittered(0));
    }
}
