package dev.steward.orchestration;

import java.util.List;
import java.util.UUID;

/**
 * Flow runs that were deleted, fired as a CDI event inside the deleting transaction, so that what another capability
 * keeps per run (artifacts) goes in the same commit without orchestration knowing it. Prefect emits no event for a
 * run's deletion, and neither is this one stored or published.
 */
public record FlowRunsDeleted(UUID workspaceId, List<UUID> flowRunIds) {}
