package dev.steward.console.blocks;

import dev.steward.access.Role;
import dev.steward.blocks.BlockDocumentDocument;
import dev.steward.blocks.BlockDocumentSort;
import dev.steward.blocks.BlockDocuments;
import dev.steward.blocks.BlockSchema;
import dev.steward.blocks.BlockTypes;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.WorkspaceChoice;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Every call the blocks pages make, each through {@link ConsoleWorkspaces#call} with the role it needs: reading needs
 * viewer, revealing secrets and every change developer (the service checks the reveal again). Bodies of creates and
 * updates are read by the same {@link BlockDocumentDocument} rules as the REST API's.
 */
@ApplicationScoped
public class BlocksData {
    @Inject
    ConsoleWorkspaces workspaces;

    @Inject
    BlockTypes types;

    @Inject
    BlockDocuments documents;

    /** The grid's filter: a type (null: any) and a part of the name (empty: any). */
    record Filter(UUID typeId, String name) {
        /** As Prefect's BlockDocumentFilter; anonymous documents are left out by its default. */
        JsonObject json() {
            var b = Json.createObjectBuilder();
            if (typeId != null) b.add("block_type_id", Json.createObjectBuilder().add("any_",
                    Json.createArrayBuilder().add(typeId.toString())));
            if (!name.isBlank()) b.add("name", Json.createObjectBuilder().add("like_", name.strip()));
            return b.build();
        }
    }

    List<BlockTypeChoice> types(WorkspaceChoice ws) {
        return workspaces.call(ws, Role.VIEWER, () -> types.list(JsonValue.EMPTY_JSON_OBJECT,
                JsonValue.EMPTY_JSON_OBJECT, 0, 1_000).stream().map(BlockTypeChoice::of).toList());
    }

    /** The type's newest schema, which a new document gets; null when the type has none. */
    SchemaChoice newestSchema(WorkspaceChoice ws, UUID typeId) {
        JsonObject filter = Json.createObjectBuilder().add("block_type_id", Json.createObjectBuilder()
                .add("any_", Json.createArrayBuilder().add(typeId.toString()))).build();
        return workspaces.call(ws, Role.VIEWER, () -> types.listSchemas(filter, 0, 1).stream().findFirst()
                .map(BlocksData::choice).orElse(null));
    }

    List<BlockRow> page(WorkspaceChoice ws, Filter filter, int offset, int limit) {
        BlockDocuments.Page page = new BlockDocuments.Page(filter.json(), JsonValue.EMPTY_JSON_OBJECT,
                JsonValue.EMPTY_JSON_OBJECT, BlockDocumentSort.BLOCK_TYPE_AND_NAME_ASC, offset, limit);
        return workspaces.call(ws, Role.VIEWER, () -> documents.list(page, false).stream().map(BlockRow::of).toList());
    }

    long count(WorkspaceChoice ws, Filter filter) {
        return workspaces.call(ws, Role.VIEWER, () -> documents.count(filter.json(), JsonValue.EMPTY_JSON_OBJECT,
                JsonValue.EMPTY_JSON_OBJECT));
    }

    /** The named documents of these types, for a nested block's picker. */
    List<BlockRow> documentsOf(WorkspaceChoice ws, List<String> slugs) {
        return workspaces.call(ws, Role.VIEWER, () -> {
            List<BlockRow> out = new ArrayList<>();
            for (String slug : slugs) documents.listForType(slug, false).forEach(d -> out.add(BlockRow.of(d)));
            return out;
        });
    }

    /** Prefect's block document, secrets masked. */
    JsonObject read(WorkspaceChoice ws, UUID id) {
        return workspaces.call(ws, Role.VIEWER, () -> documents.read(id, false));
    }

    /** Prefect's block document with its secrets (and those of the blocks it nests) opened; audited by the service. */
    JsonObject reveal(WorkspaceChoice ws, UUID id) {
        return workspaces.call(ws, Role.DEVELOPER, () -> documents.read(id, true));
    }

    /** Creates a document from a create body as Prefect's client sends it; its id. */
    UUID create(WorkspaceChoice ws, JsonObject body) {
        return workspaces.call(ws, Role.DEVELOPER,
                () -> documents.create(BlockDocumentDocument.readCreate(Body.of(body))).getId());
    }

    /**
     * Replaces the document's data (not merged: a field emptied in the form is gone); secrets sent as the mask keep
     * their stored values.
     */
    void update(WorkspaceChoice ws, UUID id, JsonObject data) {
        JsonObject body = Json.createObjectBuilder().add("data", data).add("merge_existing_data", false).build();
        workspaces.run(ws, Role.DEVELOPER, () -> documents.update(id, BlockDocumentDocument.readUpdate(Body.of(body))));
    }

    void delete(WorkspaceChoice ws, UUID id) {
        workspaces.run(ws, Role.DEVELOPER, () -> documents.delete(id));
    }

    static SchemaChoice choice(BlockSchema s) {
        return new SchemaChoice(s.getId(), BlockField.of(s.getFields()));
    }
}
