/**
 * Blocks, with Prefect 3's API and rules: block types, their schemas (known by the checksum Prefect's client computes),
 * block documents (configured blocks, possibly nesting others by reference) and capabilities, per workspace.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>Secret values never rest in plain text: every value at a path the schema lists in {@code secret_fields} is
 * sealed by {@link dev.steward.secrets.SecretCipher} (bound to the document and the path) before it is stored, and
 * only {@link dev.steward.blocks.BlockDocuments} opens them. Answers mask them ({@code ********}) unless the caller
 * asks {@code include_secrets}, which needs the developer role (a viewer gets 403) and writes an audit record
 * ({@value dev.steward.blocks.BlockDocuments#SECRETS_READ}) for each document whose secrets it opens.</li>
 * <li>Lifecycle events ({@code prefect.block-type.*}, {@code prefect.block-document.*}, with Prefect's payload and
 * related type and schema) and audit before/after are built from the masked document only. Anonymous documents have
 * no event, as in Prefect, but are audited.</li>
 * <li>Prefect's wire documents are {@link dev.steward.blocks.BlockTypeDocument},
 * {@link dev.steward.blocks.BlockSchemaDocument} and {@link dev.steward.blocks.BlockDocumentDocument}; filters are
 * {@link dev.steward.blocks.BlockFilter}, on {@link dev.steward.platform.Where}.</li>
 * <li>Webhook, Secret and LocalFileSystem are protected, as Prefect's server installs them: a workspace's client
 * registers them on first use, and they (and their schemas) cannot be deleted.</li>
 * </ul>
 */
package dev.steward.blocks;
