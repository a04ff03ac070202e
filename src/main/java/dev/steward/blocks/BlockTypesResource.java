package dev.steward.blocks;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Prefect 3's block types API under a workspace: /api/workspaces/{workspace}/block_types/... */
@Path("/workspaces/{workspace}/block_types")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class BlockTypesResource {
    @Inject
    BlockTypes types;

    @Inject
    BlockDocuments documents;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        BlockType t = types.create(BlockTypeDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(BlockTypeDocument.write(t)).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return BlockTypeDocument.write(types.get(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("slug/{slug}")
    public JsonObject readBySlug(@PathParam("slug") String slug) {
        return BlockTypeDocument.write(types.getBySlug(slug));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("block_types", "block_schemas", "limit", "offset"));
        JsonArrayBuilder out = Json.createArrayBuilder();
        types.list(body.object("block_types").json(), body.object("block_schemas").json(), Paging.offset(body),
                Paging.limit(body)).forEach(t -> out.add(BlockTypeDocument.write(t)));
        return out.build();
    }

    @PATCH
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response update(@PathParam("id") UUID id, String text) {
        types.update(id, BlockTypeDocument.readUpdate(Body.parse(text)));
        return Response.noContent().build();
    }

    @DELETE
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        types.delete(id);
        return Response.noContent().build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("slug/{slug}/block_documents")
    public JsonValue documentsOfType(@PathParam("slug") String slug, @QueryParam("include_secrets") String includeSecrets) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        documents.listForType(slug, BlockDocumentsResource.includeSecrets(includeSecrets)).forEach(out::add);
        return out.build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("slug/{slug}/block_documents/name/{name}")
    public JsonObject documentByName(@PathParam("slug") String slug, @PathParam("name") String name,
                                     @QueryParam("include_secrets") String includeSecrets) {
        return documents.readByName(slug, name, BlockDocumentsResource.includeSecrets(includeSecrets));
    }

    /**
     * Prefect installs its protected system types from its Python classes here; Steward has no Python, so each
     * workspace gets them (protected) as its client first registers them. Answers as Prefect does, with nothing.
     */
    @POST
    @MinRole(Role.DEVELOPER)
    @Path("install_system_block_types")
    public JsonValue installSystemBlockTypes() {
        return JsonValue.NULL;
    }
}
