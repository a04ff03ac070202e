/**
 * Events in Prefect's schema: the lifecycle event every created, updated and deleted object emits, the event store
 * (written in the same transaction as the change, an outbox: a rolled-back change emits nothing), delivery after
 * commit to other instances through Redis pub/sub and to local listeners such as the console, the read API, and the
 * WebSocket streams: {@code /events/out} and the intake {@code /events/in}, whose events are committed in batches.
 *
 * <p>An event's id is chosen by whoever sent it, so it is unique within a workspace only: the event table is keyed by
 * (workspace_id, id), and the intake's de-duplication (a client re-sends what it has not seen confirmed) and every
 * lookup by id name the workspace.
 */
package dev.steward.events;
