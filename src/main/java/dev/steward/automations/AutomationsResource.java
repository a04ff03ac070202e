package dev.steward.automations;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/workspaces/{workspace}/automations/...}: so far only the automations related to a resource. */
@Path("/workspaces/{workspace}/automations")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AutomationsResource {
    /**
     * Prefect's {@code GET /automations/related-to/{resource_id}} (what {@code prefect deployment inspect} lists):
     * the automations whose triggers or actions name the resource. No automation can be created yet, so none does.
     */
    @GET
    @MinRole(Role.VIEWER)
    @Path("related-to/{resourceId: .+}")
    public JsonArray relatedTo(@PathParam("resourceId") String resourceId) {
        return JsonValue.EMPTY_JSON_ARRAY;
    }
}
