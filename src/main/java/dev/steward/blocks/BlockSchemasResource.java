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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Prefect 3's block schemas API under a workspace: /api/workspaces/{workspace}/block_schemas/... */
@Path("/workspaces/{workspace}/block_schemas")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class BlockSchemasResource {
    @Inject
    BlockTypes types;

    /** 201 with a new schema, or 200 with the one of the same checksum and version, as Prefect answers. */
    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        BlockTypes.SchemaCreated created = types.createSchema(BlockSchemaDocument.readCreate(Body.parse(text)));
        return Response.status(created.existing() ? 200 : 201).entity(types.writeSchema(created.schema())).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return types.writeSchema(types.getSchema(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("checksum/{checksum}")
    public JsonObject readByChecksum(@PathParam("checksum") String checksum, @QueryParam("version") String version) {
        return types.writeSchema(types.getSchemaByChecksum(checksum, version));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("block_schemas", "limit", "offset"));
        JsonArrayBuilder out = Json.createArrayBuilder();
        types.listSchemas(body.object("block_schemas").json(), Paging.offset(body), Paging.limit(body))
                .forEach(s -> out.add(types.writeSchema(s)));
        return out.build();
    }

    @DELETE
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        types.deleteSchema(id);
        return Response.noContent().build();
    }
}
