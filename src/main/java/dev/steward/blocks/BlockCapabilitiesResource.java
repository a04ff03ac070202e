package dev.steward.blocks;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Json;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Prefect 3's block capabilities: /api/workspaces/{workspace}/block_capabilities/ */
@Path("/workspaces/{workspace}/block_capabilities")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BlockCapabilitiesResource {
    @Inject
    BlockTypes types;

    @GET
    @MinRole(Role.VIEWER)
    public JsonArray read() {
        return Json.strings(types.capabilities());
    }
}
