/**
 * Work pools, work queues and workers with Prefect 3's API: pools with base job templates and their default queue,
 * queues with priorities, limits and pauses, worker heartbeats, {@code get_scheduled_flow_runs} with an atomic claim
 * (a run is never handed to two workers, across server instances), the worker channel
 * ({@code WS /work_pools/{name}/workers/connect}, under {@link dev.steward.platform.WebSocketLimits} like every
 * WebSocket: auth frame in time and at most 64 KB, idle timeout), and {@link dev.steward.workers.WorkQueues#resolve},
 * the lookup of a deployment's pool and queue. Changes emit {@code prefect.work-pool.*} and
 * {@code prefect.work-queue.*} events in the same transaction.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>One class per Prefect document: {@link dev.steward.workers.WorkPoolDocument},
 * {@link dev.steward.workers.WorkQueueDocument}, {@link dev.steward.workers.WorkerDocument}. Each owns its field
 * lists, reads a create or an update from a request body (into the services' {@code Spec} and {@code Update}, whose
 * nulls the services fill with Prefect's defaults) and writes the JSON answered and carried by events. Resources read
 * and write through them; services never build a document's JSON themselves.</li>
 * <li>Field checks (names, base job templates) are {@link dev.steward.workers.WorkerRules}'; the services apply them
 * too, as the console and the worker channel call the services directly.</li>
 * <li>Filters are {@link dev.steward.workers.WorkPoolFilter}, on {@link dev.steward.platform.Where}.</li>
 * <li>Statuses are computed when read, never stored as truth; {@link dev.steward.workers.StatusAnnouncements} keeps
 * only what the last status event said, and is the one place that emits pool and queue status events.</li>
 * <li>Workers depends on no capability that serves its workers. The worker channel speaks all of Prefect's channel
 * protocol, the hello's cleanup fields included, but hands each ready worker, and the frames of their types, to the
 * {@link dev.steward.workers.ChannelHandler}s CDI finds (the cleanup queue's delivery).</li>
 * </ul>
 */
package dev.steward.workers;
