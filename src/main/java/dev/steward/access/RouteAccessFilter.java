package dev.steward.access;

import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.NotAuthenticated;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

/**
 * The access check of every REST method, before its body is read: the route's declaration ({@link MinRole},
 * {@link UserRoute}) against the caller, and for a route with a {@code {workspace}} path parameter the gate
 * {@link TenantScope#enter}, whose admission becomes the request's tenant ({@link RequestTenant}). A route that
 * declares nothing is refused (deny by default).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class RouteAccessFilter implements ContainerRequestFilter {
    public static final String PATH_PARAM = "workspace";

    @Inject
    RequestTenant tenant;

    @Inject
    TenantScope scope;

    @Context
    HttpServletRequest http;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext rc) {
        Method method = resource.getResourceMethod();
        if (method == null) return; // no resource matched: the 404 or 405 JAX-RS answers anyway
        MinRole minRole = declared(method, MinRole.class);
        UserRoute userRoute = declared(method, UserRoute.class);
        String workspaceRef = rc.getUriInfo().getPathParameters().getFirst(PATH_PARAM);
        Caller caller = Caller.of(http);
        try {
            if (workspaceRef != null ? minRole == null : userRoute == null) {
                throw new Forbidden("This route declares no role, so no one may call it");
            }
            if (caller == null) throw new NotAuthenticated("Not authenticated");
            if (userRoute != null) checkUser(caller, userRoute);
            if (workspaceRef != null) tenant.set(scope.enter(workspaceRef, caller, minRole.value()));
        } catch (Problem e) {
            rc.abortWith(ErrorMappers.response(e));
        }
    }

    private static void checkUser(Caller caller, UserRoute route) {
        if (caller.kind() != Caller.Kind.USER) {
            throw new Forbidden("This route takes a Keycloak user's bearer token, not an API key");
        }
        if (route.platformAdmin() && !caller.platformAdmin()) {
            throw new Forbidden("This needs the " + Caller.PLATFORM_ADMIN_ROLE + " role");
        }
    }

    /** The declaration on the method, else on its class. */
    static <A extends Annotation> A declared(Method method, Class<A> type) {
        A onMethod = method.getAnnotation(type);
        return onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(type);
    }
}
