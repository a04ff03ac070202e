/**
 * The console's page for a workspace's cleanup queues (issue 5): each work pool's queue with its depth, deliveries in
 * flight and totals, refreshed while the page is open, and the selected pool's dead letters with their reason and
 * delivery history, to redrive or purge. Admins only, like the operators' API
 * ({@link dev.steward.cleanup.CleanupResource}); it calls {@link dev.steward.cleanup.CleanupQueue} directly.
 */
package dev.steward.console.cleanup;
