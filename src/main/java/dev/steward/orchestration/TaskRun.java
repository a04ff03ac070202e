package dev.steward.orchestration;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A task run: Prefect's TaskRun document plus the columns queries use. Mapped for queries only: rows are written by
 * {@link TaskRunRecorder} (from events) and {@link TaskRunStore}.
 */
@Entity
@Table(name = "task_run")
public class TaskRun extends WorkspaceOwned {
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

    public String getBody() { return body; }
}
