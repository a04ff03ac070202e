package dev.steward.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The events of one batch taken from {@code WS /events/in} that were not stored before, in arrival order. Fired inside
 * the transaction that stores them, for observers that derive state from them (task runs) in that same transaction;
 * published to the workspace's channel after it commits.
 */
public record IngestedEvents(UUID workspaceId, List<RunEvent> events, Instant received) {
}
