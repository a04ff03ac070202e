package dev.steward.cleanup;

import dev.steward.orchestration.Teardowns;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Orchestration's teardowns as cleanup messages: the message id is derived from the idempotency key, so a teardown
 * asked for twice (a retried round) is one message.
 */
@ApplicationScoped
public class QueuedTeardowns implements Teardowns {
    @Inject
    CleanupQueue queue;

    @Override
    public UUID request(UUID workspaceId, UUID workPoolId, UUID workQueueId, String idempotencyKey, String kind,
                        JsonObject target) {
        UUID messageId = UUID.nameUUIDFromBytes(("steward:" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
        return queue.enqueue(new PoolKey(workspaceId, workPoolId), workQueueId, messageId, idempotencyKey, kind, target,
                JsonObject.EMPTY_JSON_OBJECT).messageId();
    }
}
