package dev.steward.access;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.spi.CDI;
import java.util.UUID;

/** The admission of the current REST request; set once by {@link RouteAccessFilter}. */
@RequestScoped
public class RequestTenant {
    private Admission admission;

    void set(Admission admission) {
        this.admission = admission;
    }

    public Admission admission() { return admission; }
    public UUID workspaceId() { return admission.workspaceId(); }
    public Role role() { return admission.role(); }

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
    static Admission currentOrNull() {
        try {
            // through the proxy's method: a field read on a CDI client proxy sees the proxy's own (empty) state
            return proxy().admission();
        } catch (ContextNotActiveException | IllegalStateException e) {
            return null;
        }
    }
}
