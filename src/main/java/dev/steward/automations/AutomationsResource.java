package dev.steward.automations;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Prefect 3's automations API under a workspace: /api/workspaces/{workspace}/automations/... */
@Path("/workspaces/{workspace}/automations")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class AutomationsResource {
    @Inject
    AutomationService automations;

    @Inject
    Templates templates;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        Automation a = automations.create(AutomationDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(AutomationDocument.write(a)).build();
    }

    @PUT
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response replace(@PathParam("id") UUID id, String text) {
        automations.replace(id, AutomationDocument.readUpdate(Body.parse(text)));
        return Response.noContent().build();
    }

    @PATCH
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response patch(@PathParam("id") UUID id, String text) {
        automations.setEnabled(id, AutomationDocument.readPatch(Body.parse(text)));
        return Response.noContent().build();
    }

    @DELETE
    @MinRole(Role.DEVELOPER)
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        automations.delete(id);
        return Response.noContent().build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return AutomationDocument.write(automations.get(id));
    }

    /** Prefect's read_automations: sorted by name unless told, at most 200 a page. */
    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonArray filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("sort", "limit", "offset", "automations"));
        AutomationSort sort = body.enumValue("sort", AutomationSort.class, AutomationSort.NAME_ASC);
        return write(automations.list(new AutomationService.Page(body.object("automations").json(), sort,
                Paging.offset(body), Paging.limit(body))));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("automations"));
        return automations.count(body.object("automations").json());
    }

    /** What {@code prefect deployment inspect} lists: the automations that select or are owned by the resource. */
    @GET
    @MinRole(Role.VIEWER)
    @Path("related-to/{resourceId: .+}")
    public JsonArray relatedTo(@PathParam("resourceId") String resourceId) {
        return write(automations.relatedTo(resourceId));
    }

    /** What {@code prefect deploy} calls before it creates a deployment's triggers again: 202, nothing in the body. */
    @DELETE
    @MinRole(Role.DEVELOPER)
    @Path("owned-by/{resourceId: .+}")
    public Response deleteOwnedBy(@PathParam("resourceId") String resourceId) {
        automations.deleteOwnedBy(resourceId);
        return Response.accepted().build();
    }

    /** The older path of Prefect's {@code POST /templates/validate}, which its UI still calls. */
    @POST
    @MinRole(Role.VIEWER)
    @Path("templates/validate")
    public Response validateTemplate(String text) {
        return TemplatesResource.answer(templates, text);
    }

    private static JsonArray write(List<Automation> list) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        list.forEach(a -> out.add(AutomationDocument.write(a)));
        return out.build();
    }
}
