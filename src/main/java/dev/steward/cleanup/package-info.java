/**
 * The cleanup queue (Prefect 3.7's worker cleanup delivery, on Redis): messages that ask a worker to tear down the
 * infrastructure of a flow run that did not stop, one queue per workspace and work pool.
 *
 * <p>{@link dev.steward.cleanup.CleanupQueue} holds the messages and their transitions (enqueue, reserve, ack,
 * release, renew, lease expiry, dead letters, redrive, purge), each one Redis optimistic transaction
 * ({@link dev.steward.platform.RedisTransactions}) or, on the hot path, one Lua script
 * ({@link dev.steward.platform.RedisScript});
 * {@link dev.steward.cleanup.CleanupReconciler} expires overdue leases and wakes the dispatchers of every instance
 * through Redis pub/sub; {@link dev.steward.cleanup.QueuedTeardowns} enqueues the teardowns orchestration asks for
 * (its CANCELLING timeout); {@link dev.steward.cleanup.CleanupDispatcher} delivers messages to the workers connected
 * here and {@link dev.steward.cleanup.CleanupChannel} speaks the worker channel's cleanup frames;
 * {@link dev.steward.cleanup.CleanupResource} is the operators' API.
 *
 * <p>Cleanup is a client of workers and orchestration, never the reverse: it registers with the worker channel as a
 * {@link dev.steward.workers.ChannelHandler} and implements orchestration's {@link dev.steward.orchestration.Teardowns}.
 */
package dev.steward.cleanup;
