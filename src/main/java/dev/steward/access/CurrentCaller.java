package dev.steward.access;

import dev.steward.platform.ClientAddresses;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.openid.OpenIdContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The caller and origin of the current HTTP request, whichever way it authenticated: the mechanism leaves a
 * {@link Caller} for API requests; a console user is read from the OIDC login (roles from the container, workspace
 * groups from the access token).
 */
@RequestScoped
public class CurrentCaller {
    @Inject
    HttpServletRequest request;

    @Inject
    Instance<OpenIdContext> openId;

    @Inject
    ClientAddresses clientAddresses;

    /**
     * Who is asking: the HTTP request's caller; outside a request (a WebSocket message, background work) the caller
     * of the admission the work runs in, e.g. the worker's API key; else {@link Caller#SYSTEM}.
     */
    public static Caller get() {
        Caller caller;
        try {
            caller = CDI.current().select(CurrentCaller.class).get().caller();
        } catch (ContextNotActiveException | IllegalStateException e) {
            caller = Caller.SYSTEM;
        }
        return caller.kind() != Caller.Kind.SYSTEM ? caller
                : TenantScope.current().map(Admission::caller).orElse(Caller.SYSTEM);
    }

    /** The request's origin, or null values outside a request. */
    public static Origin origin() {
        try {
            // through a method: the CDI proxy's own fields are unset, only the contextual instance has the request
            return CDI.current().select(CurrentCaller.class).get().requestOrigin();
        } catch (ContextNotActiveException | IllegalStateException e) {
            return new Origin(null, null);
        }
    }

    public record Origin(String ip, String userAgent) {}

    /** The client's address (behind a trusted proxy, the one it forwarded for) and user agent. */
    public Origin requestOrigin() {
        return new Origin(clientAddresses.of(request), request.getHeader("User-Agent"));
    }

    public Caller caller() {
        Caller caller = Caller.of(request);
        if (caller != null) return caller;
        if (request.getUserPrincipal() == null) return Caller.SYSTEM;
        Set<String> roles = new HashSet<>();
        if (request.isUserInRole(Caller.USER_ROLE)) roles.add(Caller.USER_ROLE);
        if (request.isUserInRole(Caller.PLATFORM_ADMIN_ROLE)) roles.add(Caller.PLATFORM_ADMIN_ROLE);
        caller = Caller.user(request.getUserPrincipal().getName(), roles, workspaceGroups());
        request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
        return caller;
    }

    private Set<String> workspaceGroups() {
        try {
            OpenIdContext context = openId.get();
            List<String> groups = context.getAccessToken().getJwtClaims()
                    .getArrayStringClaim(StewardAuthMechanism.WORKSPACE_GROUPS_CLAIM);
            return groups == null ? Set.of() : Set.copyOf(groups);
        } catch (RuntimeException e) {
            return Set.of();
        }
    }
}
