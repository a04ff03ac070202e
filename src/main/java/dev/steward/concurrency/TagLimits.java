package dev.steward.concurrency;

import java.util.List;

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
}
