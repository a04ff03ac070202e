package dev.steward.console;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.auth.NavigationAccessControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Logger;

/**
 * View access without Spring: vaadin-cdi fires {@link ServiceInitEvent} as a CDI event, and Vaadin's own
 * {@link NavigationAccessControl} then checks {@code @PermitAll}/{@code @RolesAllowed} on every route target before
 * navigation, against the container identity of the request (the Keycloak login). Views without an annotation are
 * denied. The web.xml constraint already requires {@code steward-user} for everything outside /api, so a browser
 * arrives here logged in.
 */
@ApplicationScoped
public class ConsoleSecurity {
    private static final Logger LOG = Logger.getLogger(ConsoleSecurity.class.getName());

    void serviceInit(@Observes ServiceInitEvent event) {
        NavigationAccessControl accessControl = new NavigationAccessControl();
        event.getSource().addUIInitListener(init -> init.getUI().addBeforeEnterListener(accessControl));
        LOG.fine("Vaadin NavigationAccessControl installed");
    }
}
