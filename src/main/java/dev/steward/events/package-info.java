/**
 * Events in Prefect's schema: the lifecycle event every created, updated and deleted object emits, the event store
 * (written in the same transaction as the change, an outbox: a rolled-back change emits nothing), delivery after
 * commit to other instances through Redis pub/sub and to local listeners such as the console, the read API, and the
WebSocket streams: {@code /events/out} and the intake {@code /events/in}, whose events are committed in batches.
 */
package dev.steward.events;
