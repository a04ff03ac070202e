/**
 * The console's blocks pages: the workspace's block documents ({@code blocks}, filtered by type and name, anonymous
 * ones left out), one document ({@code blocks/<id>}), and the form that creates or edits a document from its type's
 * schema. Every call goes through {@link dev.steward.console.blocks.BlocksData}, which names the role each needs.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>No secret reaches the browser unless a developer (or above) presses Reveal on a document: pages and forms are
 * built from the service's masked answers ({@code ********}); Reveal reads with {@code include_secrets}, which the
 * service allows developers only and records in the audit trail, and a change of the document masks it again.</li>
 * <li>Forms never hold a stored secret: a secret input starts empty, and left empty it sends the mask back, which the
 * service reads as "keep the stored value". Nested secrets inside a JSON field stay masked there for the same
 * reason.</li>
 * <li>Creates and edits go through the REST API's own body rules ({@code BlockDocumentDocument.readCreate/readUpdate});
 * the form checks only what the server does not: the schema's required fields and that JSON fields are JSON.</li>
 * <li>Viewers see the lists and masked values only; the buttons to reveal, create, edit and delete are shown to
 * developers and above, and {@link dev.steward.console.ConsoleWorkspaces#call} checks the role again.</li>
 * </ul>
 */
package dev.steward.console.blocks;
