package dev.steward.workers;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A queue of a work pool. Workers take scheduled runs from the queues of lower priority number first; a queue's
 * concurrency limit caps its PENDING and RUNNING runs; {@code lastPolled} is when a worker last asked it for work.
 */
@Entity
@Table(name = "work_queue")
public class WorkQueue extends WorkspaceOwned {
    @Column(name = "work_pool_id", nullable = false, updatable = false)
    private UUID workPoolId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false, columnDefinition = "text")
    private String description;

    @Column(name = "is_paused", nullable = false)
    private boolean paused;

    @Column(name = "concurrency_limit")
    private Integer concurrencyLimit;

    @Column(nullable = false)
    private int priority;

    @Column(name = "last_polled")
    private Instant lastPolled;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected WorkQueue() {}

    WorkQueue(UUID workPoolId, String name, String description, boolean paused, Integer concurrencyLimit, int priority,
              Instant now) {
        this.id = UUID.randomUUID();
        this.workPoolId = workPoolId;
        this.name = name;
        this.description = description;
        this.paused = paused;
        this.concurrencyLimit = concurrencyLimit;
        this.priority = priority;
        this.created = now;
        this.updated = now;
    }

    public UUID getWorkPoolId() { return workPoolId; }
    public String getName() { return name; }
    public String getDescription() { return description; }
    public boolean isPaused() { return paused; }
    public Integer getConcurrencyLimit() { return concurrencyLimit; }
    public int getPriority() { return priority; }
    public Instant getLastPolled() { return lastPolled; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setName(String name) { this.name = name; }
    void setDescription(String description) { this.description = description; }
    void setPaused(boolean paused) { this.paused = paused; }
    void setConcurrencyLimit(Integer concurrencyLimit) { this.concurrencyLimit = concurrencyLimit; }
    void setPriority(int priority) { this.priority = priority; }
    void setLastPolled(Instant lastPolled) { this.lastPolled = lastPolled; }
    void touch(Instant now) { this.updated = now; }
}
