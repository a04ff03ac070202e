package dev.steward.console.artifacts;

import dev.steward.artifacts.Artifact;
import dev.steward.artifacts.ArtifactCollection;
import dev.steward.artifacts.ArtifactContent;
import java.time.Instant;
import java.util.UUID;

/**
 * One artifact version as the console shows it, copied out of the entity inside the workspace's transaction.
 *
 * @param id   the version's id (for a key's latest: its latest version's)
 * @param data the version's data as compact JSON text, or null
 */
record ArtifactRow(UUID id, String key, String type, String description, String data, UUID flowRunId, UUID taskRunId,
                   Instant created, Instant updated) {
    static ArtifactRow of(Artifact version) {
        return of(version.getId(), version);
    }

    static ArtifactRow latest(ArtifactCollection collection) {
        return of(collection.getLatestId(), collection);
    }

    private static ArtifactRow of(UUID id, ArtifactContent c) {
        return new ArtifactRow(id, c.getKey(), c.getType(), c.getDescription(), c.getData(), c.getFlowRunId(),
                c.getTaskRunId(), c.getCreated(), c.getUpdated());
    }
}
