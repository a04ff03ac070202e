package dev.steward.cleanup;

import java.time.Instant;
import java.util.UUID;

/**
 * The outcome of an ack, release or renew, with Prefect's statuses and reasons (CleanupQueueOperationResult):
 * {@code lease_expires_at} only on an accepted renew, a reason on everything not accepted, the dead letter when the
 * operation gave the message up.
 */
public record OperationResult(UUID messageId, String operation, Status status, Instant leaseExpiresAt, String reason,
                              CleanupMessage deadLetter) {
    /** Prefect's reason when the queue could not be read or written. */
    static final String FAILED = "cleanup_queue_operation_failed";

    /** Prefect's CleanupOperationStatus values. */
    public enum Status {
        ACCEPTED, NOT_CURRENT, NOT_FOUND, EXPIRED, INVALID_TOKEN, UNAUTHORIZED, DEAD_LETTERED, ERROR;

        /** The wire form ({@code not_current}, ...). */
        public String wire() {
            return name().toLowerCase();
        }
    }

    static OperationResult accepted(UUID id, String operation) {
        return new OperationResult(id, operation, Status.ACCEPTED, null, null, null);
    }

    static OperationResult refused(UUID id, String operation, Status status, String reason) {
        return new OperationResult(id, operation, status, null, reason, null);
    }
}
