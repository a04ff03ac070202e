package dev.steward.secrets;

import dev.steward.access.UserRoute;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The instance's secrets, for platform admins: {@code POST /api/admin/secrets/rotate} re-wraps every workspace's data
 * key under the current master key ({@link KeyRotation}) and answers
 * {@code {"master_key_id", "rewrapped", "already_current", "not_rewrapped": [...]}}. {@code bin/steward secrets rotate}
 * calls it.
 */
@Path("/admin/secrets")
@UserRoute(platformAdmin = true)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class SecretsAdminResource {
    @Inject
    KeyRotation rotation;

    @POST
    @Path("rotate")
    public JsonObject rotate() {
        return rotation.rotate().toJson();
    }
}
