/**
 * The cleanup queue (Prefect 3.7's worker cleanup delivery, on Redis): messages that ask a worker to tear down the
 * infrastructure of a flow run that did not stop, one queue per workspace and work pool.
 *
 * <p>{@link dev.steward.cleanup.CleanupQueue} holds the messages and their transitions (enqueue, reserve, ack,
 * release, renew, lease expiry, dead letters, redrive, purge), each one Redis optimistic transaction
 * ({@link dev.steward.platform.RedisTransactions}) or, on the hot path, one Lua script
 * ({@link dev.steward.platform.RedisScript});
 * {@link dev.steward.cleanup.CleanupReconciler} expires overdue leases and wakes the dispatchers of every instance
 * through Redis pub/sub; {@link dev.steward.cleanup.CancellingTimeouts} forces runs stuck in CANCELLING to CANCELLED
 * and enqueues their teardown; {@link dev.steward.cleanup.CleanupDispatcher} delivers messages over the worker
 * channel and takes the workers' answers; {@link dev.steward.cleanup.CleanupResource} is the operators' API.
 */
package dev.steward.cleanup;
