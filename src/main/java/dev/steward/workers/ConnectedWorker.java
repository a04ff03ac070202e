package dev.steward.workers;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A worker whose channel is ready, as {@link ChannelHandler}s see it. */
public interface ConnectedWorker {
    UUID workspaceId();

    UUID poolId();

    /** The worker's name, as its hello gave it. */
    String name();

    /** The ids of the queues it polls. */
    List<UUID> queueIds();

    /** Whether its hello asked for cleanup delivery (the capability, kinds to handle, room for one) and was granted it. */
    boolean acceptsCleanup();

    /** The cleanup kinds it handles. */
    Set<String> cleanupKinds();

    int maxCleanupConcurrency();

    /** Sends a frame; false when the channel could not take it (closed, or not ready). */
    boolean send(JsonObject frame);
}
