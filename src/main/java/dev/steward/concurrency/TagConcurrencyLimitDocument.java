package dev.steward.concurrency;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's tag concurrency limit (v1) document, over the v2 limit named {@code tag:<tag>} ({@link TagLimits}): what
 * a create body says and its JSON.
 */
final class TagConcurrencyLimitDocument {
    private TagConcurrencyLimitDocument() {}

    /** Prefect's ConcurrencyLimitCreate: the tag and its number of slots, both required. */
    record Create(String tag, int concurrencyLimit) {}

    static Create readCreate(Body body) {
        body.rejectUnknown(List.of("tag", "concurrency_limit"));
        String tag = body.requiredString("tag");
        return new Create(tag, SlotAnswers.requiredInt(body, "concurrency_limit", 0));
    }

    /** Prefect's v1 ConcurrencyLimit: the tag, its limit, and the task runs holding its slots. */
    static JsonObject write(ConcurrencyLimit c, List<UUID> holders) {
        JsonArrayBuilder active = Json.createArrayBuilder();
        holders.forEach(id -> active.add(id.toString()));
        return Json.createObjectBuilder()
                .add("id", c.getId().toString())
                .add("created", c.getCreated().toString())
                .add("updated", c.getUpdated().toString())
                .add("tag", TagLimits.tag(c.getName()))
                .add("concurrency_limit", c.getLimit())
                .add("active_slots", active)
                .build();
    }
}
