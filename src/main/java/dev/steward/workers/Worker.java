package dev.steward.workers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.TenantId;

/**
 * A worker process of a pool, known by its name, as its heartbeats report it. Mapped for reads; heartbeats are
 * upserted by SQL ({@link WorkPools#heartbeat}). {@code channel} says the last heartbeat came over the worker channel.
 */
@Entity
@Table(name = "worker")
public class Worker {
    @Id
    private UUID id;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    private UUID workspaceId;

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

    public UUID getId() { return id; }
    public UUID getWorkPoolId() { return workPoolId; }
    public String getName() { return name; }
    public Instant getLastHeartbeatTime() { return lastHeartbeatTime; }
    public Integer getHeartbeatIntervalSeconds() { return heartbeatIntervalSeconds; }
    public boolean isChannel() { return channel; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }
}
