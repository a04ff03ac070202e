package dev.steward.artifacts;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** The latest version of a key: its id, and a copy of its fields (Prefect's artifact_collection). */
@Entity
@Table(name = "artifact_collection")
public class ArtifactCollection extends ArtifactContent {
    @Column(name = "latest_id", nullable = false)
    private UUID latestId;

    protected ArtifactCollection() {}

    public UUID getLatestId() { return latestId; }

    /** Makes {@code version} the latest, as Prefect does when the latest is deleted: its fields and times too. */
    void promote(Artifact version) {
        latestId = version.getId();
        type = version.getType();
        description = version.getDescription();
        data = version.getData();
        metadata = version.getMetadata();
        flowRunId = version.getFlowRunId();
        taskRunId = version.getTaskRunId();
        created = version.getCreated();
        updated = version.getUpdated();
    }
}
