package dev.steward.tenancy;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import dev.steward.platform.Transactions;
import dev.steward.security.Caller;
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
import java.util.function.Supplier;

/**
 * The admin surface: platform admins create workspaces; workspace admins manage members and API keys. Keycloak users
 * only (bearer token); an API key cannot mint keys.
 */
@Path("/admin/workspaces")
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
    public Response create(String text) {
        Caller caller = user();
        if (!caller.platformAdmin()) {
            throw ApiException.forbidden("Creating workspaces needs the " + Caller.PLATFORM_ADMIN_ROLE + " role");
        }
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("slug", "name"));
        String slug = body.requiredString("slug");
        String name = body.optionalString("name").orElse(slug);
        UUID id = UUID.randomUUID();
        Workspace ws = TenantContext.supplyAs(id, () -> tx.inNew(() -> workspaces.create(id, slug, name)));
        return Response.status(201).entity(WorkspaceView.of(ws, Role.OWNER)).build();
    }

    @GET
    public List<WorkspaceView> list() {
        Caller caller = user();
        return tx.inNew(() -> workspaces.visibleTo(caller).entrySet().stream()
                .map(e -> WorkspaceView.of(e.getKey(), e.getValue())).toList());
    }

    @GET
    @Path("{ws}")
    public WorkspaceView read(@PathParam("ws") String slugOrId) {
        Caller caller = user();
        Workspace ws = workspaces.require(slugOrId);
        Role role = workspaces.roleOf(caller, ws).orElseThrow(() -> ApiException.notFound("Workspace"));
        return WorkspaceView.of(ws, role);
    }

    @GET
    @Path("{ws}/members")
    public List<MemberView> members(@PathParam("ws") String slugOrId) {
        Workspace ws = workspaceWith(slugOrId, Role.VIEWER);
        return workspaces.members(ws.getId()).stream().map(MemberView::of).toList();
    }

    @PUT
    @Path("{ws}/members/{username}")
    public MemberView putMember(@PathParam("ws") String slugOrId, @PathParam("username") String username, String text) {
        Role granted = role(Body.parse(text), "role");
        Workspace ws = workspaceWith(slugOrId, Role.max(Role.ADMIN, granted));
        return MemberView.of(inWorkspace(ws, () -> workspaces.putMember(ws.getId(), username, granted)));
    }

    @DELETE
    @Path("{ws}/members/{username}")
    public Response removeMember(@PathParam("ws") String slugOrId, @PathParam("username") String username) {
        Workspace ws = workspaceWith(slugOrId, Role.ADMIN);
        inWorkspace(ws, () -> {
            workspaces.removeMember(ws.getId(), username);
            return null;
        });
        return Response.noContent().build();
    }

    @GET
    @Path("{ws}/api-keys")
    public List<ApiKeyView> keys(@PathParam("ws") String slugOrId) {
        Workspace ws = workspaceWith(slugOrId, Role.ADMIN);
        return apiKeys.list(ws.getId()).stream().map(k -> ApiKeyView.of(k, null)).toList();
    }

    /** Issues a key; the response carries the secret in {@code key}, this once. */
    @POST
    @Path("{ws}/api-keys")
    public Response issueKey(@PathParam("ws") String slugOrId, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("name", "role", "expires_at"));
        String name = body.requiredString("name");
        Role role = body.has("role") ? role(body, "role") : Role.DEVELOPER;
        Instant expiresAt = body.optionalInstant("expires_at").orElse(null);
        Workspace ws = workspaceWith(slugOrId, Role.max(Role.ADMIN, role));
        String owner = user().name();
        ApiKeyService.IssuedKey issued = inWorkspace(ws, () -> apiKeys.issue(ws.getId(), name, role, owner, expiresAt));
        return Response.status(201).entity(ApiKeyView.of(issued.key(), issued.secret())).build();
    }

    @DELETE
    @Path("{ws}/api-keys/{id}")
    public ApiKeyView revokeKey(@PathParam("ws") String slugOrId, @PathParam("id") String keyId) {
        Workspace ws = workspaceWith(slugOrId, Role.ADMIN);
        UUID id;
        try {
            id = UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("API key");
        }
        return ApiKeyView.of(inWorkspace(ws, () -> apiKeys.revoke(ws.getId(), id)), null);
    }

    private Caller user() {
        Caller caller = Caller.of(http);
        if (caller == null || caller.kind() != Caller.Kind.USER) {
            throw ApiException.forbidden("The admin API takes a Keycloak user's bearer token, not an API key");
        }
        return caller;
    }

    /** The workspace, if the caller sees it (else 404) and has at least {@code needed} there (else 403). */
    private Workspace workspaceWith(String slugOrId, Role needed) {
        Caller caller = user();
        Workspace ws = workspaces.require(slugOrId);
        Role role = workspaces.roleOf(caller, ws).orElseThrow(() -> ApiException.notFound("Workspace"));
        if (!role.atLeast(needed)) {
            throw ApiException.forbidden("This needs the " + needed.wireName() + " role in the workspace; you have "
                    + role.wireName());
        }
        return ws;
    }

    private <T> T inWorkspace(Workspace ws, Supplier<T> work) {
        return TenantContext.supplyAs(ws.getId(), () -> tx.inNew(work));
    }

    private static Role role(Body body, String field) {
        String name = body.requiredString(field);
        return Role.parse(name).orElseThrow(() ->
                ApiException.invalid(field, "Input should be one of owner, admin, developer, viewer"));
    }
}
