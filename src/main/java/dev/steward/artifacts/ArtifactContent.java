package dev.steward.artifacts;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;
import java.util.UUID;

/**
 * The fields an artifact and its key's collection row share: Prefect copies the latest version's fields into the
 * collection, so that reading the latest of every key reads one row per key.
 */
@MappedSuperclass
public abstract class ArtifactContent extends WorkspaceOwned {
    @Column(columnDefinition = "text")
    protected String key;

    @Column(columnDefinition = "text")
    protected String type;

    @Column(columnDefinition = "text")
    protected String description;

    /** Compact JSON text, or null for none. */
    @Column(columnDefinition = "text")
    protected String data;

    /** Compact JSON object text of string values, or null for none. */
    @Column(columnDefinition = "text")
    protected String metadata;

    @Column(name = "flow_run_id")
    protected UUID flowRunId;

    @Column(name = "task_run_id")
    protected UUID taskRunId;

    @Column(nullable = false)
    protected Instant created;

    @Column(nullable = false)
    protected Instant updated;

    public String getKey() { return key; }
    public String getType() { return type; }
    public String getDescription() { return description; }
    public String getData() { return data; }
    public String getMetadata() { return metadata; }
    public UUID getFlowRunId() { return flowRunId; }
    public UUID getTaskRunId() { return taskRunId; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    /** Applies a PATCH: the fields it names (a null among them clears the field), and the time of the change. */
    void apply(ArtifactDocument.Update update, Instant now) {
        if (update.setsData()) data = update.data();
        if (update.setsDescription()) description = update.description();
        if (update.setsMetadata()) metadata = update.metadata();
        updated = now;
    }
}
