package dev.steward.workers;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A worker polled these queues of a workspace for work, fired in the poll's transaction: the deployments that run in
 * them are polled too (Prefect marks them READY).
 */
public record QueuesPolled(UUID workspaceId, List<UUID> queueIds, Instant at) {}
