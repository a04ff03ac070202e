package dev.steward.access;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The admin surface: platform admins create workspaces; workspace admins manage members and API keys. Keycloak users
 * only (bearer token); an API key cannot mint keys. The request filter checks each route's declaration.
 */
@Path("/admin/workspaces")
@UserRoute
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class AdminResource {
    @Inject
    WorkspaceService workspaces;

    @Inject
    ApiKeyService apiKeys;

    @Inject
    Transactions tx;

    @Inject
    RequestTenant tenant;

    @Context
    HttpServletRequest http;

    public record WorkspaceView(UUID id, String slug, String name, Instant created, String role) {
        static WorkspaceView of(Workspace ws, Role role) {
            return new WorkspaceView(ws.getId(), ws.getSlug(), ws.getName(), ws.getCreated(),
                    role == null ? null : role.wireName());
        }
    }

    public record MemberView(String username, String role, Instant created) {
        static MemberView of(Member m) {
            return new MemberView(m.getUsername(), m.getRole().wireName(), m.getCreated());
        }
    }

    public record ApiKeyView(UUID id, String name, String prefix, String role, String owner, Instant created,
                             Instant expiresAt, Instant revokedAt, String key) {
        static ApiKeyView of(ApiKey k, String secret) {
            return new ApiKeyView(k.getId(), k.getName(), k.getPrefix(), k.getRole().wireName(), k.getOwner(),
                    k.getCreated(), k.getExpiresAt(), k.getRevokedAt(), secret);
        }
    }

    @POST
    @UserRoute(platformAdmin = true)
    public Response create(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("slug", "name"));
        String slug = body.requiredString("slug");
        String name = body.optionalString("name").orElse(slug);
        UUID id = UUID.randomUUID();
        Workspace ws = TenantScope.system(id).supply(() -> tx.inNew(() -> workspaces.create(id, slug, name)));
        return Response.status(201).entity(WorkspaceView.of(ws, Role.OWNER)).build();
    }

    @GET
    public List<WorkspaceView> list() {
        Caller caller = Caller.of(http);
        return tx.inNew(() -> workspaces.visibleTo(caller).entrySet().stream()
                .map(e -> WorkspaceView.of(e.getKey(), e.getValue())).toList());
    }

    @GET
    @Path("{workspace}")
    @MinRole(Role.VIEWER)
    public WorkspaceView read(@PathParam("workspace") String slugOrId) {
        return WorkspaceView.of(workspaces.require(slugOrId), tenant.role());
    }

    @GET
    @Path("{workspace}/members")
    @MinRole(Role.VIEWER)
    public List<MemberView> members() {
        return workspaces.members(tenant.workspaceId()).stream().map(MemberView::of).toList();
    }

    @PUT
    @Path("{workspace}/members/{username}")
    @MinRole(Role.ADMIN)
    public MemberView putMember(@PathParam("username") String username, String text) {
        Role granted = role(Body.parse(text), "role");
        requireAtLeast(granted);
        return MemberView.of(tx.inNew(() -> {
            requireAtLeastMember(username);
            return workspaces.putMember(tenant.workspaceId(), username, granted);
        }));
    }

    @DELETE
    @Path("{workspace}/members/{username}")
    @MinRole(Role.ADMIN)
    public Response removeMember(@PathParam("username") String username) {
        tx.inNew(() -> {
            requireAtLeastMember(username);
            workspaces.removeMember(tenant.workspaceId(), username);
            return null;
        });
        return Response.noContent().build();
    }

    @GET
    @Path("{workspace}/api-keys")
    @MinRole(Role.ADMIN)
    public List<ApiKeyView> keys() {
        return apiKeys.list(tenant.workspaceId()).stream().map(k -> ApiKeyView.of(k, null)).toList();
    }

    /** Issues a key; the response carries the secret in {@code key}, this once. */
    @POST
    @Path("{workspace}/api-keys")
    @MinRole(Role.ADMIN)
    public Response issueKey(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("name", "role", "expires_at"));
        String name = body.requiredString("name");
        Role role = body.has("role") ? role(body, "role") : Role.DEVELOPER;
        Instant expiresAt = body.optionalInstant("expires_at").orElse(null);
        requireAtLeast(role);
        String owner = tenant.admission().caller().name();
        ApiKeyService.IssuedKey issued = tx.inNew(() -> apiKeys.issue(tenant.workspaceId(), name, role, owner, expiresAt));
        return Response.status(201).entity(ApiKeyView.of(issued.key(), issued.secret())).build();
    }

    @DELETE
    @Path("{workspace}/api-keys/{id}")
    @MinRole(Role.ADMIN)
    public ApiKeyView revokeKey(@PathParam("id") UUID id) {
        return ApiKeyView.of(tx.inNew(() -> apiKeys.revoke(tenant.workspaceId(), id)), null);
    }

    /** Granting a role takes at least that role (an admin cannot make an owner). */
    private void requireAtLeast(Role granted) {
        if (!tenant.role().atLeast(granted)) {
            throw new Forbidden("Granting the " + granted.wireName() + " role needs it; you have "
                    + tenant.role().wireName());
        }
    }

    /** Changing or removing a member takes at least the member's role (an admin cannot demote an owner). */
    private void requireAtLeastMember(String username) {
        workspaces.member(tenant.workspaceId(), username).ifPresent(m -> {
            if (!tenant.role().atLeast(m.getRole())) {
                throw new Forbidden("Changing a member who is " + m.getRole().wireName() + " needs that role; you have "
                        + tenant.role().wireName());
            }
        });
    }

    private static Role role(Body body, String field) {
        String name = body.requiredString(field);
        return Role.parse(name).orElseThrow(() ->
                InvalidInput.field(field, "Input should be one of owner, admin, developer, viewer"));
    }
}
