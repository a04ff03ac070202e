package dev.steward.tenancy;

import dev.steward.platform.ErrorMappers;
import dev.steward.security.Caller;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Resolves the request's workspace once: for every resource with a {workspace} path parameter it finds the
 * workspace, checks that the caller has a role there and that the role suffices for the method ({@link MinRole}),
 * and sets {@link RequestTenant}. A workspace the caller may not see is a 404, never a 403 that confirms it exists.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class WorkspaceTenantFilter implements ContainerRequestFilter {
    public static final String PATH_PARAM = "workspace";

    @Inject
    RequestTenant tenant;

    @Inject
    WorkspaceService workspaces;

    @Context
    HttpServletRequest http;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext rc) {
        String slugOrId = rc.getUriInfo().getPathParameters().getFirst(PATH_PARAM);
        if (slugOrId == null) return;
        Caller caller = Caller.of(http);
        if (caller == null) {
            rc.abortWith(ErrorMappers.response(401, "Not authenticated"));
            return;
        }
        Optional<Workspace> ws = workspaces.find(slugOrId);
        Optional<Role> role = ws.flatMap(w -> workspaces.roleOf(caller, w));
        if (role.isEmpty()) {
            rc.abortWith(ErrorMappers.response(404, "Workspace not found"));
            return;
        }
        Role needed = requiredRole();
        if (!role.get().atLeast(needed)) {
            rc.abortWith(ErrorMappers.response(403,
                    "This needs the " + needed.wireName() + " role in the workspace; you have " + role.get().wireName()));
            return;
        }
        tenant.set(ws.get(), role.get());
    }

    private Role requiredRole() {
        Method m = resource.getResourceMethod();
        MinRole onMethod = m == null ? null : m.getAnnotation(MinRole.class);
        if (onMethod != null) return onMethod.value();
        MinRole onClass = resource.getResourceClass() == null ? null : resource.getResourceClass().getAnnotation(MinRole.class);
        return onClass != null ? onClass.value() : Role.VIEWER;
    }
}
