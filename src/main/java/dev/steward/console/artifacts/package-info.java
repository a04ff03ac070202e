/**
 * The console's artifacts: the Artifacts page ({@code artifacts}: each key with its latest version, searchable by key),
 * a key's history ({@code artifacts/<key>}), and the Artifacts tab of the flow run and task run pages
 * ({@link dev.steward.console.artifacts.RunArtifactsPanel}).
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>Reads go through {@link dev.steward.console.artifacts.ArtifactReads}: the REST API's
 * {@link dev.steward.artifacts.ArtifactService} with Prefect's filter bodies, inside
 * {@link dev.steward.console.ConsoleWorkspaces#call} as a viewer; never HTTP. The console only reads artifacts.</li>
 * <li>An artifact's content is written by any flow, so it is untrusted: markdown (and every description) reaches the
 * page only as the HTML {@link dev.steward.console.artifacts.SafeMarkdown} returns, rendered and cleaned against an
 * allow-list (links keep only http(s) and mailto addresses, images only http(s) and raster data: ones); an image
 * artifact is shown only for an http(s) address; everything else is text Vaadin escapes. Nothing else puts HTML on the
 * page.</li>
 * <li>A card renders a version by its Prefect type ({@link dev.steward.console.artifacts.ArtifactCard}); a progress
 * bar moves in place when the run page's poll finds it changed.</li>
 * </ul>
 */
package dev.steward.console.artifacts;
