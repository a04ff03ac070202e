package dev.steward.console.cleanup;

import dev.steward.cleanup.QueueStats;
import dev.steward.workers.WorkPool;
import java.io.Serializable;
import java.util.UUID;

/** A work pool's cleanup queue as the grid shows it: the pool and its figures when read. */
public record PoolRow(UUID poolId, String name, long visible, long ready, long inFlight, long dead, long enqueued,
                      long acked, long retries, long deadLettered) implements Serializable {

    static PoolRow of(WorkPool pool, QueueStats s) {
        return new PoolRow(pool.getId(), pool.getName(), s.visible(), s.ready(), s.inFlight(), s.dead(), s.enqueued(),
                s.acked(), s.retries(), s.deadLettered());
    }
}
