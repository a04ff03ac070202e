package dev.steward.orchestration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.TenantId;

/** A task run: Prefect's TaskRun document plus the columns queries use; written by {@link TaskRunRecorder}. */
@Entity
@Table(name = "task_run")
public class TaskRun {
    @Id
    private UUID id;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    private UUID workspaceId;

    @Column(name = "flow_run_id")
    private UUID flowRunId;

    @Column(nullable = false)
    private String name;

    @Column(name = "state_type")
    private String stateType;

    /** The timestamp of the current state: a newer state replaces it, an older one only joins the history. */
    @Column(name = "state_timestamp")
    private Instant stateTimestamp;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String body;

    protected TaskRun() {}

    TaskRun(UUID id, Instant now) {
        this.id = id;
        this.created = now;
        this.updated = now;
    }

    public UUID getId() { return id; }
    public UUID getFlowRunId() { return flowRunId; }
    public String getName() { return name; }
    public Instant getStateTimestamp() { return stateTimestamp; }
    public Instant getCreated() { return created; }
    public String getBody() { return body; }

    void store(jakarta.json.JsonObject run, Instant stateTimestamp, Instant now) {
        this.body = run.toString();
        this.name = run.getString("name", "");
        this.flowRunId = run.isNull("flow_run_id") ? null : UUID.fromString(run.getString("flow_run_id"));
        this.stateType = run.isNull("state_type") ? null : run.getString("state_type");
        this.stateTimestamp = stateTimestamp;
        this.updated = now;
    }
}
