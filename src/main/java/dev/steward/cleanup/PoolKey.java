package dev.steward.cleanup;

import java.util.UUID;

/** A work pool of a workspace: the scope of one cleanup queue. */
public record PoolKey(UUID workspaceId, UUID workPoolId) {
    /** The form used in Redis members and wake-up messages. */
    String encoded() {
        return workspaceId + "/" + workPoolId;
    }

    static PoolKey decode(String text) {
        int slash = text.indexOf('/');
        return new PoolKey(UUID.fromString(text.substring(0, slash)), UUID.fromString(text.substring(slash + 1)));
    }
}
