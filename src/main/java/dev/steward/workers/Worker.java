package dev.steward.workers;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A worker process of a pool, known by its name, as its heartbeats report it. Mapped for reads; heartbeats are
 * upserted by SQL ({@link WorkPools#heartbeat}). {@code channel} says the last heartbeat came over the worker channel.
 */
@Entity
@Table(name = "worker")
public class Worker extends WorkspaceOwned {
    @Column(name = "work_pool_id", nullable = false, updatable = false)
    private UUID workPoolId;

    @Column(nullable = false)
    private String name;

    @Column(name = "last_heartbeat_time", nullable = false)
    private Instant lastHeartbeatTime;

    @Column(name = "heartbeat_interval_seconds")
    private Integer heartbeatIntervalSeconds;

    @Column(nullable = false)
    private boolean channel;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected Worker() {}

    public UUID getWorkPoolId() { return workPoolId; }
    public String getName() { return name; }
    public Instant getLastHeartbeatTime() { return lastHeartbeatTime; }
    public Integer getHeartbeatIntervalSeconds() { return heartbeatIntervalSeconds; }
    public boolean isChannel() { return channel; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }
}
