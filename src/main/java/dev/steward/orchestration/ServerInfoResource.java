package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a Prefect client asks a server before it works: the server version it compares majors with, health, and the
 * CSRF token endpoint, whose 422 "CSRF protection is disabled." switches CSRF off in the client (API keys need none).
 */
@Path("/workspaces/{workspace}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ServerInfoResource {
    @Inject
    @ConfigProperty(name = "steward.prefect.server-version", defaultValue = "3.9.1")
    String prefectVersion;

    @GET
    @MinRole(Role.VIEWER)
    @Path("admin/version")
    public JsonValue version() {
        return Json.createValue(prefectVersion);
    }

    /** Where results go by default: no result storage block is configured (results stay with the client). */
    @GET
    @MinRole(Role.VIEWER)
    @Path("admin/storage")
    public JsonValue storage() {
        return Json.createObjectBuilder().addNull("default_result_storage_block_id").build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("health")
    public JsonValue health() {
        return JsonValue.TRUE;
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("csrf-token")
    public Response csrfToken() {
        throw new InvalidInput("CSRF protection is disabled.");
    }
}
