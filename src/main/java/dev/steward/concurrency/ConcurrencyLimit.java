package dev.steward.concurrency;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A named limit of slots in a workspace. Slot counts decay over time when {@code slotDecayPerSecond} is above zero
 * (a rate limit); denied slots, which only pace the clients' retries, decay too. Both are brought up to date by
 * {@link #settle} whenever the row is written, so that {@code updated} is the moment the counts are exact for.
 */
@Entity
@Table(name = "concurrency_limit")
public class ConcurrencyLimit extends WorkspaceOwned {
    /** Prefect's floor for the average occupancy, so that a retry delay never divides by zero. */
    static final double MIN_OCCUPANCY_SECONDS = 0.1;
    /** Counts within this of an integer are that integer (decay is floating-point arithmetic). */
    private static final double EPSILON = 1e-9;


    @Column(nullable = false)
    private String name;

    @Column(name = "slot_limit", nullable = false)
    private int limit;

    @Column(nullable = false)
    private boolean active;

    @Column(name = "active_slots", nullable = false)
    private double activeSlots;

    @Column(name = "denied_slots", nullable = false)
    private double deniedSlots;

    @Column(name = "slot_decay_per_second", nullable = false)
    private double slotDecayPerSecond;

    @Column(name = "avg_slot_occupancy_seconds", nullable = false)
    private double avgSlotOccupancySeconds;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected ConcurrencyLimit() {}

    ConcurrencyLimit(String name, int limit, boolean active, int activeSlots, int deniedSlots,
                     double slotDecayPerSecond, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.limit = limit;
        this.active = active;
        this.activeSlots = activeSlots;
        this.deniedSlots = deniedSlots;
        this.slotDecayPerSecond = slotDecayPerSecond;
        this.avgSlotOccupancySeconds = 2.0;
        this.created = now;
        this.updated = now;
    }

    public String getName() { return name; }
    public int getLimit() { return limit; }
    public boolean isActive() { return active; }
    public double getSlotDecayPerSecond() { return slotDecayPerSecond; }
    public double getAvgSlotOccupancySeconds() { return avgSlotOccupancySeconds; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    public boolean isRateLimit() {
        return slotDecayPerSecond > 0;
    }

    /** Slots in use at {@code now}, after decay, as a whole number (a slot partly decayed still counts). */
    public int activeSlotsAt(Instant now) {
        return whole(activeSlots - slotDecayPerSecond * seconds(now));
    }

    /** Denied slots at {@code now}, after decay; {@code maxWaitSeconds} caps the occupancy a concurrency limit uses. */
    public int deniedSlotsAt(Instant now, double maxWaitSeconds) {
        return whole(deniedSlots - deniedDecayPerSecond(maxWaitSeconds) * seconds(now));
    }

    /** Applies decay up to {@code now} and stamps the row: call before any change of the counts. */
    void settle(Instant now, double maxWaitSeconds) {
        double elapsed = seconds(now);
        activeSlots = Math.max(0, activeSlots - slotDecayPerSecond * elapsed);
        deniedSlots = Math.max(0, deniedSlots - deniedDecayPerSecond(maxWaitSeconds) * elapsed);
        updated = now;
    }

    /** A rate limit is a leaky bucket: a slot taken while another is partly drained keeps that fraction. */
    void occupy(int slots) {
        activeSlots += slots;
    }

    void release(int slots) {
        activeSlots = Math.max(0, activeSlots - slots);
    }

    void deny(int slots) {
        deniedSlots += slots;
    }

    /**
     * Folds one release into the average time a slot is held: a moving average over the last {@code 2 * limit}
     * releases, as Prefect keeps it.
     */
    void recordOccupancy(double seconds, int slots) {
        if (limit <= 0 || slots <= 0 || seconds <= 0) return;
        double perSlot = Math.max(seconds / slots, MIN_OCCUPANCY_SECONDS);
        double samples = limit * 2.0;
        avgSlotOccupancySeconds = avgSlotOccupancySeconds + perSlot / samples - avgSlotOccupancySeconds / samples;
    }

    void setName(String name) { this.name = name; }
    void setLimit(int limit) { this.limit = limit; }
    void setActive(boolean active) { this.active = active; }
    void setActiveSlots(int slots) { this.activeSlots = slots; }
    void setDeniedSlots(int slots) { this.deniedSlots = slots; }
    void setSlotDecayPerSecond(double rate) { this.slotDecayPerSecond = rate; }

    private double deniedDecayPerSecond(double maxWaitSeconds) {
        if (slotDecayPerSecond > 0) return slotDecayPerSecond;
        return 1.0 / Math.max(MIN_OCCUPANCY_SECONDS, Math.min(avgSlotOccupancySeconds, maxWaitSeconds));
    }

    private double seconds(Instant now) {
        return Math.max(0, Duration.between(updated, now).toNanos() / 1e9);
    }

    private static int whole(double slots) {
        return (int) Math.max(0, Math.ceil(slots - EPSILON));
    }
}
