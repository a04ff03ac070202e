package dev.steward.orchestration;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A log line of a flow or task run. */
@Entity
@Table(name = "log_entry")
public class LogEntry extends WorkspaceOwned {
    @Column(name = "flow_run_id")
    private UUID flowRunId;

    @Column(name = "task_run_id")
    private UUID taskRunId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private int level;

    @Column(nullable = false, columnDefinition = "text")
    private String message;

    @Column(nullable = false)
    private Instant timestamp;

    @Column(nullable = false)
    private Instant created;

    protected LogEntry() {}

    LogEntry(UUID flowRunId, UUID taskRunId, String name, int level, String message, Instant timestamp, Instant now) {
        this.id = UUID.randomUUID();
        this.flowRunId = flowRunId;
        this.taskRunId = taskRunId;
        this.name = name;
        this.level = level;
        this.message = message;
        this.timestamp = timestamp;
        this.created = now;
    }

    public UUID getFlowRunId() { return flowRunId; }
    public UUID getTaskRunId() { return taskRunId; }
    public String getName() { return name; }
    public int getLevel() { return level; }
    public String getMessage() { return message; }
    public Instant getTimestamp() { return timestamp; }
    public Instant getCreated() { return created; }
}
