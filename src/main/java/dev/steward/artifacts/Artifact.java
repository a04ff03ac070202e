package dev.steward.artifacts;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One version of an artifact: its key may be null (an artifact without a key has no collection). */
@Entity
@Table(name = "artifact")
public class Artifact extends ArtifactContent {
    protected Artifact() {}

    Artifact(ArtifactDocument.Create create, Instant now) {
        this.id = UUID.randomUUID();
        this.key = create.key();
        this.type = create.type();
        this.description = create.description();
        this.data = create.data();
        this.metadata = create.metadata();
        this.flowRunId = create.flowRunId();
        this.taskRunId = create.taskRunId();
        this.created = now;
        this.updated = now;
    }
}
