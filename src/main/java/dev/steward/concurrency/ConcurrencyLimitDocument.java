package dev.steward.concurrency;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Prefect's global concurrency limit (v2) document: its fields, what a create or an update body may say (with the
 * defaults of a create), and its JSON: the full ConcurrencyLimitV2 that a create answers and the audit trail keeps,
 * the GlobalConcurrencyLimitResponse that reads answer, and the payload of its lifecycle events.
 */
public final class ConcurrencyLimitDocument {
    /** The fields a create or an update may send. */
    static final List<String> FIELDS = List.of("active", "name", "limit", "active_slots", "denied_slots",
            "slot_decay_per_second");

    private ConcurrencyLimitDocument() {}

    /** Prefect's ConcurrencyLimitV2Create: name and limit required; active, no slots taken or denied, no decay. */
    static ConcurrencyLimitService.Create readCreate(Body body) {
        body.rejectUnknown(FIELDS);
        String name = body.requiredString("name");
        return new ConcurrencyLimitService.Create(name, SlotAnswers.requiredInt(body, "limit", 0),
                body.optionalBoolean("active").orElse(true), nonNegative(body, "active_slots"),
                nonNegative(body, "denied_slots"), body.number("slot_decay_per_second", 0, 0, Double.MAX_VALUE));
    }

    /** Prefect's ConcurrencyLimitV2Update: a field left out (or null) stays as it is. */
    static ConcurrencyLimitService.Update readUpdate(Body body) {
        body.rejectUnknown(FIELDS);
        return new ConcurrencyLimitService.Update(body.optionalString("name").orElse(null),
                optionalNonNegative(body, "limit"), body.optionalBoolean("active").orElse(null),
                optionalNonNegative(body, "active_slots"), optionalNonNegative(body, "denied_slots"),
                present(body, "slot_decay_per_second") ? body.number("slot_decay_per_second", 0, 0, Double.MAX_VALUE)
                        : null);
    }

    /** Prefect's GlobalConcurrencyLimitResponse: what reads and the filter answer, active slots after decay. */
    public static JsonObject write(ConcurrencyLimit c) {
        return Json.createObjectBuilder()
                .add("id", c.getId().toString())
                .add("created", c.getCreated().toString())
                .add("updated", c.getUpdated().toString())
                .add("active", c.isActive())
                .add("name", c.getName())
                .add("limit", c.getLimit())
                .add("active_slots", c.activeSlotsAt(Instant.now()))
                .add("slot_decay_per_second", c.getSlotDecayPerSecond())
                .build();
    }

    /** Prefect's ConcurrencyLimitV2, every field: denied slots decay over {@code maxWaitSeconds}. */
    static JsonObject writeFull(ConcurrencyLimit c, double maxWaitSeconds) {
        return Json.createObjectBuilder(write(c))
                .add("denied_slots", c.deniedSlotsAt(Instant.now(), maxWaitSeconds))
                .add("avg_slot_occupancy_seconds", c.getAvgSlotOccupancySeconds())
                .build();
    }

    /** What Prefect's lifecycle events carry for a limit: name, limit, active, slot decay. */
    static JsonObject eventPayload(ConcurrencyLimit c) {
        return Json.createObjectBuilder()
                .add("name", c.getName())
                .add("limit", c.getLimit())
                .add("active", c.isActive())
                .add("slot_decay_per_second", c.getSlotDecayPerSecond())
                .build();
    }

    private static boolean present(Body body, String field) {
        return body.has(field) && !body.json().isNull(field);
    }

    private static int nonNegative(Body body, String field) {
        return body.integer(field, 0, 0, Integer.MAX_VALUE);
    }

    private static Integer optionalNonNegative(Body body, String field) {
        return present(body, field) ? nonNegative(body, field) : null;
    }
}
