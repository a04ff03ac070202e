package dev.steward.blocks;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.InvalidInput;
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
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Prefect 3's block documents API under a workspace: /api/workspaces/{workspace}/block_documents/... Reading with
 * {@code include_secrets} is declared for viewers like every read, and the service refuses it below developer (403).
 */
@Path("/workspaces/{workspace}/block_documents")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class BlockDocumentsResource {
    private static final Set<String> TRUE = Set.of("true", "1", "yes", "on", "t", "y");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "off", "f", "n");

    @Inject
    BlockDocuments documents;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        BlockDocument d = documents.create(BlockDocumentDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(documents.read(d.getId(), false)).build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("block_documents", "block_types", "block_schemas", "include_secrets", "sort",
                "offset", "limit"));
        BlockDocuments.Page page = new BlockDocuments.Page(body.object("block_documents").json(),
                body.object("block_types").json(), body.object("block_schemas").json(),
                body.enumValue("sort", BlockDocumentSort.class, BlockDocumentSort.NAME_ASC), Paging.offset(body),
                Paging.limit(body));
        JsonArrayBuilder out = Json.createArrayBuilder();
        documents.list(page, body.optionalBoolean("include_secrets").orElse(false)).forEach(out::add);
        return out.build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("block_documents", "block_types", "block_schemas"));
        return documents.count(body.object("block_documents").json(), body.object("block_types").json(),
                body.object("block_schemas").json());
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id, @QueryParam("include_secrets") String includeSecrets) {
        return documents.read(id, includeSecrets(includeSecrets));
    }

    @PATCH
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response update(@PathParam("id") UUID id, String text) {
        documents.update(id, BlockDocumentDocument.readUpdate(Body.parse(text)));
        return Response.noContent().build();
    }

    @DELETE
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        documents.delete(id);
        return Response.noContent().build();
    }

    /** The {@code include_secrets} query parameter as Prefect (pydantic) reads a boolean; absent is false. */
    static boolean includeSecrets(String text) {
        if (text == null) return false;
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (TRUE.contains(t)) return true;
        if (FALSE.contains(t)) return false;
        throw InvalidInput.parameter("query", "include_secrets", "Input should be a valid boolean, unable to interpret input",
                "bool_parsing");
    }
}
