package dev.steward.cleanup;

/**
 * A queue's depth and totals: messages waiting (of which {@code ready} may be delivered now, the rest wait out a
 * retry backoff), out with workers, dead-lettered; and since the queue began, how many were enqueued, acked,
 * redelivered after a release or an expired lease, and dead-lettered.
 */
public record QueueStats(long visible, long ready, long inFlight, long dead, long enqueued, long acked,
                         long retries, long deadLettered) {}
