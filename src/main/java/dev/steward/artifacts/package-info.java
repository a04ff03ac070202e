/**
 * Artifacts, with Prefect 3.9's API and rules: versions of a result, table, markdown, link, image or progress that a
 * flow or task run publishes, and per key the latest version (the key's collection), per workspace.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>The wire documents are {@link dev.steward.artifacts.ArtifactDocument}'s (Artifact, ArtifactCreate,
 * ArtifactUpdate) and {@link dev.steward.artifacts.ArtifactCollectionDocument}'s (ArtifactCollection and its event
 * payload). The resource reads and writes through them; {@link dev.steward.artifacts.ArtifactService} takes what
 * they read.</li>
 * <li>{@link dev.steward.artifacts.ArtifactStore} is the one place that writes artifacts and collections, and holds
 * the rules of "latest": a new version with a key becomes the key's latest; deleting the latest makes the newest
 * remaining version of the key the latest, or deletes the collection when none remains.</li>
 * <li>Filters are {@link dev.steward.artifacts.ArtifactFilter}, on {@link dev.steward.platform.Where}; the run, flow
 * and deployment filters beside it are orchestration's {@link dev.steward.orchestration.RunFilters}.</li>
 * <li>The server emits {@code prefect.artifact-collection.created|updated|deleted} (with the latest version, flow
 * run and task run as related resources) and nothing for a version: Prefect's client emits
 * {@code prefect.artifact.created|updated} itself. Versions' changes are audited.</li>
 * <li>Deleting a flow run deletes its artifacts in the same transaction: orchestration fires
 * {@link dev.steward.orchestration.FlowRunsDeleted}, which the service observes; orchestration knows nothing of
 * artifacts.</li>
 * </ul>
 */
package dev.steward.artifacts;
