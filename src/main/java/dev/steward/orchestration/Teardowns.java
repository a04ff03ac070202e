package dev.steward.orchestration;

import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * Where orchestration asks for a run's infrastructure to be torn down by a worker of its pool: the cleanup queue
 * implements it, so that orchestration does not depend on cleanup.
 */
public interface Teardowns {
    /**
     * Enqueues a teardown for the workers of a pool, once per {@code idempotencyKey}; the id of the message. Throws
     * when it cannot be stored, so that the caller's transaction rolls back and is tried again.
     */
    UUID request(UUID workspaceId, UUID workPoolId, UUID workQueueId, String idempotencyKey, String kind,
                 JsonObject target);
}
