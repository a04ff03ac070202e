package dev.steward.artifacts;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/**
 * Prefect's ArtifactCollection document (the latest version of a key) and the payload and related resources of its
 * {@code prefect.artifact-collection.*} lifecycle events.
 */
public final class ArtifactCollectionDocument {
    private ArtifactCollectionDocument() {}

    /** Prefect's ArtifactCollection object: the Artifact fields with the row's own id, and {@code latest_id}. */
    public static JsonObject write(ArtifactCollection c) {
        return ArtifactDocument.fields(c).add("latest_id", c.getLatestId().toString()).build();
    }

    /**
     * {@code GET /artifacts/{key}/latest}: Prefect answers the collection row in the Artifact shape, so its {@code id}
     * is the collection's, not the latest version's (that one is {@code latest_id} of {@code /latest/filter}).
     */
    static JsonObject asArtifact(ArtifactCollection c) {
        return ArtifactDocument.fields(c).build();
    }

    /** Prefect's ArtifactCollectionEventPayload: key, type, data and description. */
    static JsonObject eventPayload(ArtifactCollection c) {
        JsonObject all = ArtifactDocument.fields(c).build();
        return Json.createObjectBuilder().add("key", c.getKey()).add("type", all.get("type"))
                .add("data", all.get("data")).add("description", all.get("description")).build();
    }

    /** What the audit trail keeps: the document without data (see {@link ArtifactDocument#audited}). */
    static JsonObject audited(ArtifactCollection c) {
        return Json.createObjectBuilder(write(c)).remove("data").build();
    }

    /** The event's related resources, in Prefect's order: the latest version, then its flow run and task run. */
    static JsonArray related(ArtifactCollection c) {
        var related = Json.createArrayBuilder()
                .add(role("prefect.artifact." + c.getLatestId(), "latest"));
        if (c.getFlowRunId() != null) related.add(role("prefect.flow-run." + c.getFlowRunId(), "flow-run"));
        if (c.getTaskRunId() != null) related.add(role("prefect.task-run." + c.getTaskRunId(), "task-run"));
        return related.build();
    }

    private static JsonObject role(String id, String role) {
        return Json.createObjectBuilder().add("prefect.resource.id", id).add("prefect.resource.role", role).build();
    }
}
