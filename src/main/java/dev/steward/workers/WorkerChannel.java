package dev.steward.workers;

import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What the worker channel does in the database, each step in one transaction: the setup that answers
 * {@code worker.hello.v1} with {@code worker.ready.v1} (as Prefect 3.9.1's server builds it), heartbeats, and snapshots
 * of the pool. The caller enters the workspace (an {@code Admission}).
 */
@ApplicationScoped
public class WorkerChannel {
    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    /** Why the channel closes, with Prefect's close code and reason. */
    enum CloseReason {
        AUTHENTICATION_FAILED(1008), AUTHORIZATION_FAILED(1008), UNSUPPORTED_VERSION(1008), PROTOCOL_ERROR(1002),
        HEARTBEAT_PERSISTENCE_FAILED(1011), TRANSIENT_SERVER_ERROR(1011);

        final int code;

        CloseReason(int code) {
            this.code = code;
        }

        /** Prefect's WorkerChannelCloseReason value, which its client reads from the close frame. */
        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The channel ends with this reason. */
    static final class Close extends RuntimeException {
        final CloseReason reason;

        Close(CloseReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /** The connection's pool and worker once ready. */
    record Ready(UUID poolId, JsonObject frame, java.time.Instant poolUpdated, List<UUID> queueIds, boolean cleanup) {}

    /**
     * Prefect's setup: a channel version both sides speak (else unsupported_version), the pool (created from the hello
     * when it asks and the name is not reserved, else authorization_failed), the named queues (an unknown one is
     * authorization_failed), the pool's base job template filled from the worker's default when empty, the first
     * heartbeat, then the ready frame with the initial snapshot. Cleanup delivery is accepted, with the worker's
     * concurrency, when the worker asks for it with kinds to handle and a concurrency above 0, as Prefect does.
     */
    @Transactional
    public Ready ready(String poolName, ChannelFrames.Hello hello) {
        if (!hello.versions().contains(ChannelFrames.VERSION)) {
            throw new Close(CloseReason.UNSUPPORTED_VERSION, "No mutually supported worker channel version");
        }
        WorkPool pool = pool(poolName, hello);
        List<WorkQueue> resolved = new ArrayList<>();
        if (hello.queueNames().isEmpty()) {
            resolved.addAll(queues.inPool(pool.getId()));
        } else {
            for (String name : new java.util.LinkedHashSet<>(hello.queueNames())) {
                resolved.add(queues.find(pool.getId(), name)
                        .orElseThrow(() -> new Close(CloseReason.AUTHORIZATION_FAILED, "work_queue_not_found")));
            }
        }
        if (Json.parseObject(pool.getBaseJobTemplate()).isEmpty() && !hello.defaultBaseJobTemplate().isEmpty()) {
            pools.update(pool, new WorkPools.Update(null, null, hello.defaultBaseJobTemplate(), null, false, null, false));
        }
        pools.heartbeat(pool, hello.workerName(), hello.heartbeatIntervalSeconds(), true);
        List<String> accepted = new ArrayList<>(List.of(ChannelFrames.HEARTBEAT_CAPABILITY, ChannelFrames.SNAPSHOT_CAPABILITY));
        if (hello.wantsCleanup()) accepted.add(ChannelFrames.CLEANUP_CAPABILITY);
        JsonArrayBuilder rejected = Json.createArrayBuilder();
        new java.util.LinkedHashSet<>(hello.capabilities()).stream().filter(c -> !accepted.contains(c)).forEach(rejected::add);
        JsonArrayBuilder queueRefs = Json.createArrayBuilder();
        resolved.forEach(q -> queueRefs.add(Json.createObjectBuilder().add("id", q.getId().toString()).add("name", q.getName())));
        JsonObject payload = Json.createObjectBuilder()
                .add("consumer_id", hello.consumerId().toString())
                // Prefect's server sends none: a worker id makes the client build Cloud URLs for its logs
                .addNull("worker_id")
                .add("selected_channel_version", ChannelFrames.VERSION)
                .add("effective_heartbeat_interval_seconds", hello.heartbeatIntervalSeconds())
                .add("accepted_capabilities", Json.strings(accepted))
                .add("rejected_capabilities", rejected)
                .add("effective_max_cleanup_concurrency", hello.wantsCleanup() ? hello.maxCleanupConcurrency() : 0)
                .add("resolved_work_queues", queueRefs)
                .add("initial_snapshot", snapshotPayload(pool, 1, "initial"))
                .build();
        return new Ready(pool.getId(), ChannelFrames.envelope("worker.ready.v1", payload), pool.getUpdated(),
                resolved.stream().map(WorkQueue::getId).toList(), hello.wantsCleanup());
    }

    private WorkPool pool(String poolName, ChannelFrames.Hello hello) {
        Optional<WorkPool> existing = pools.find(poolName);
        if (existing.isPresent()) return existing.get();
        if (!hello.createPool()) throw new Close(CloseReason.AUTHORIZATION_FAILED, "work_pool_not_found");
        if (poolName.toLowerCase(Locale.ROOT).startsWith("prefect")) {
            throw new Close(CloseReason.AUTHORIZATION_FAILED, "work_pool_creation_unauthorized");
        }
        // a name or template Prefect's schema refuses ends the setup with a Problem: a protocol error
        return pools.create(new WorkPools.Spec(poolName, null, hello.workerType(), hello.defaultBaseJobTemplate(),
                false, null, null));
    }

    /**
     * A heartbeat over the channel; returns the pool's {@code updated} so that the connection can send a snapshot
     * when the pool changed since its last one (Prefect's heartbeat reconciliation). Empty when the pool is gone.
     */
    @Transactional
    public Optional<java.time.Instant> heartbeat(UUID poolId, ChannelFrames.Heartbeat beat) {
        return pools.get(poolId).map(pool -> {
            pools.heartbeat(pool, beat.workerName(), beat.heartbeatIntervalSeconds(), true);
            return pool.getUpdated();
        });
    }

    /** A {@code work_pool.snapshot.v1} frame of the pool as it is now, or empty when it was deleted. */
    @Transactional
    public Optional<Snapshot> snapshot(UUID poolId, int sequence, String reason) {
        return pools.get(poolId).map(pool -> new Snapshot(
                ChannelFrames.envelope("work_pool.snapshot.v1", snapshotPayload(pool, sequence, reason)), pool.getUpdated()));
    }

    record Snapshot(JsonObject frame, java.time.Instant poolUpdated) {}

    private JsonObject snapshotPayload(WorkPool pool, int sequence, String reason) {
        return Json.createObjectBuilder().add("snapshot_sequence", sequence).add("reason", reason)
                .add("work_pool", pools.describe(pool)).build();
    }
}
