/**
 * Events in Prefect's schema: the lifecycle event every created, updated and deleted object emits, the event store
 * (written in the same transaction as the change, an outbox: a rolled-back change emits nothing), delivery after
 * commit to other instances through Redis pub/sub and to local listeners such as the console, the read API, and the
 * WebSocket streams: {@code /events/out} and the intake {@code /events/in}, whose events are committed in batches.
 *
 * <p>An event's id is chosen by whoever sent it, so it is unique within a workspace only: the event table is keyed by
 * (workspace_id, id), and the intake's de-duplication (a client re-sends what it has not seen confirmed) and every
 * lookup by id name the workspace.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>No thread per connection: /events/in reads with a non-blocking listener and commits on the managed executor
 * only while events wait; /events/out sends with the container's asynchronous send, drained on the managed executor
 * only while frames wait. A thread parked in this package's code belongs to work in progress, never to a connection
 * at rest (the integration tests count them from thread dumps).</li>
 * <li>Both streams apply {@link dev.steward.platform.WebSocketLimits} (auth frame in time and at most 64 KB, idle
 * timeout); /events/out also {@link dev.steward.events.EventsOutLimits} (subscribers per key and per instance, 1013
 * past them; backlog per subscriber).</li>
 * <li>Stored events are filtered by {@link dev.steward.events.EventQuery}, on {@link dev.steward.platform.Where}: every
 * value is a parameter, never text of the query.</li>
 * </ul>
 */
package dev.steward.events;
