package dev.steward.orchestration;

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

/** Prefect 3's flows API under a workspace: /api/workspaces/{workspace}/flows/... */
@Path("/workspaces/{workspace}/flows")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class FlowsResource {
    @Inject
    FlowService flows;

    /** Upsert by name: 201 when created, 200 with the existing flow otherwise. */
    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowDocument.CREATE_FIELDS);
        String name = body.requiredString("name");
        List<String> tags = body.optionalStrings("tags").orElse(List.of());
        JsonObject labels = body.object("labels").json();
        FlowService.Upserted result = flows.upsert(name, tags, labels);
        return Response.status(result.created() ? 201 : 200).entity(FlowDocument.of(result.flow())).build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowDocument.FILTER_FIELDS);
        int limit = Paging.limit(body);
        int offset = body.integer("offset", 0, 0, Integer.MAX_VALUE);
        FlowSort sort = body.enumValue("sort", FlowSort.class, FlowSort.NAME_ASC);
        JsonArrayBuilder out = Json.createArrayBuilder();
        flows.list(body, sort, offset, limit).forEach(f -> out.add(FlowDocument.of(f)));
        return out.build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowDocument.FILTERS);
        return flows.count(body);
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return FlowDocument.of(flows.get(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("name/{name}")
    public JsonObject readByName(@PathParam("name") String name) {
        return FlowDocument.of(flows.getByName(name));
    }

    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowDocument.UPDATE_FIELDS);
        flows.updateTags(id, body.optionalStrings("tags").orElse(List.of()));
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        flows.delete(id);
        return Response.noContent().build();
    }

}
