package dev.steward.tenancy;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.spi.CDI;
import java.util.UUID;

/** The workspace of the current REST request and the caller's role in it; set once by {@link WorkspaceTenantFilter}. */
@RequestScoped
public class RequestTenant {
    private Workspace workspace;
    private Role role;

    public void set(Workspace workspace, Role role) {
        this.workspace = workspace;
        this.role = role;
    }

    public Workspace workspace() { return workspace; }
    public Role role() { return role; }

    /**
     * The client proxy, looked up once: it routes each call to the current request's instance, and CDI.current()
     * walks the stack to find its bean manager, which cost a tenth of a request's CPU when done on every query.
     */
    private static volatile RequestTenant proxy;

    private static RequestTenant proxy() {
        RequestTenant p = proxy;
        if (p == null) proxy = p = CDI.current().select(RequestTenant.class).get();
        return p;
    }

    /** For callers outside CDI (Hibernate's resolver): null when no request context is active or none was set. */
    static UUID currentWorkspaceIdOrNull() {
        try {
            // through the proxy's method: a field read on a CDI client proxy sees the proxy's own (empty) state
            Workspace ws = proxy().workspace();
            return ws == null ? null : ws.getId();
        } catch (ContextNotActiveException | IllegalStateException e) {
            return null;
        }
    }
}
