package dev.steward.concurrency;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Prefect's v1 tag limits are the limits named {@code tag:<tag>}; this is the mapping between the two. */
final class TagLimits {
    static final String PREFIX = "tag:";

    private TagLimits() {}

    static List<String> names(List<String> tags) {
        return tags.stream().map(t -> PREFIX + t).toList();
    }

    static String name(String tag) {
        return PREFIX + tag;
    }

    static String tag(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    /** Prefect's v1 ConcurrencyLimit: the tag, its limit, and the task runs holding its slots. */
    static JsonObject describe(ConcurrencyLimit c, List<UUID> holders) {
        JsonArrayBuilder active = dev.steward.platform.Json.createArrayBuilder();
        holders.forEach(id -> active.add(id.toString()));
        return dev.steward.platform.Json.createObjectBuilder()
                .add("id", c.getId().toString())
                .add("created", c.getCreated().toString())
                .add("updated", c.getUpdated().toString())
                .add("tag", tag(c.getName()))
                .add("concurrency_limit", c.getLimit())
                .add("active_slots", active)
                .build();
    }
}
