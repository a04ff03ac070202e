/**
 * Work pools, work queues and workers with Prefect 3's API: pools with base job templates and their default queue,
 * queues with priorities, limits and pauses, worker heartbeats, {@code get_scheduled_flow_runs} with an atomic claim
 * (a run is never handed to two workers, across server instances), the worker channel
 * ({@code WS /work_pools/{name}/workers/connect}, under {@link dev.steward.platform.WebSocketLimits} like every
 * WebSocket: auth frame in time and at most 64 KB, idle timeout), and {@link dev.steward.workers.WorkQueues#resolve},
 * the lookup of a deployment's pool and queue. Changes emit {@code prefect.work-pool.*} and {@code prefect.work-queue.*} events in the
 * same transaction.
 */
package dev.steward.workers;
