/**
 * Concurrency limits with Prefect 3's API: named limits of slots per workspace ("global concurrency limits", v2),
 * taken and given back by clients with or without a lease, rate limits whose slots decay over time, and Prefect's
 * tag limits (v1) as an adapter over the limits named {@code tag:<tag>}; the task engine of the Prefect client takes
 * a slot of every {@code tag:} limit of a task run's tags before it runs the task.
 *
 * <p>Slots are taken under row locks on the limits, so concurrent requests never grant more than a limit allows. A
 * lease that is not renewed before its time is up gives its slots back ({@link LeaseSweeper}). Creating, updating
 * and deleting a limit emits {@code prefect.concurrency-limit.created|updated|deleted} and an audit record in the
 * same transaction; taking and releasing slots emits nothing (it is traffic, not a change of configuration).
 *
 * <p>The documents are {@link dev.steward.concurrency.ConcurrencyLimitDocument} (v2: fields, create and update
 * bodies, its JSON and event payload) and {@link dev.steward.concurrency.TagConcurrencyLimitDocument} (v1); the
 * resources read and write through them, the services take what they read.
 */
package dev.steward.concurrency;
