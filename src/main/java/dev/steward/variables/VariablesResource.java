package dev.steward.variables;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Prefect 3's variables API under a workspace: /api/workspaces/{workspace}/variables/... */
@Path("/workspaces/{workspace}/variables")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class VariablesResource {
    @Inject
    VariableService variables;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        VariableDocument.Create create = VariableDocument.readCreate(Body.parse(text));
        Variable v = variables.create(create.name(), create.value(), create.tags());
        return Response.status(201).entity(VariableDocument.write(v)).build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("offset", "limit", "sort", "variables"));
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        VariableSort sort = body.enumValue("sort", VariableSort.class, VariableSort.NAME_ASC);
        JsonArrayBuilder out = Json.createArrayBuilder();
        variables.list(new VariableService.Page(body.object("variables").json(), sort, offset, limit))
                .forEach(v -> out.add(VariableDocument.write(v)));
        return out.build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("variables"));
        return variables.count(body.object("variables").json());
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return VariableDocument.write(variables.get(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("name/{name}")
    public JsonObject readByName(@PathParam("name") String name) {
        return VariableDocument.write(variables.getByName(name));
    }

    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        VariableService.Update update = VariableDocument.readUpdate(Body.parse(text));
        variables.update(variables.get(id), update);
        return Response.noContent().build();
    }

    @PATCH
    @Path("name/{name}")
    @MinRole(Role.DEVELOPER)
    public Response updateByName(@PathParam("name") String name, String text) {
        VariableService.Update update = VariableDocument.readUpdate(Body.parse(text));
        variables.update(variables.getByName(name), update);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        variables.delete(variables.get(id));
        return Response.noContent().build();
    }

    @DELETE
    @Path("name/{name}")
    @MinRole(Role.DEVELOPER)
    public Response deleteByName(@PathParam("name") String name) {
        variables.delete(variables.getByName(name));
        return Response.noContent().build();
    }
}
