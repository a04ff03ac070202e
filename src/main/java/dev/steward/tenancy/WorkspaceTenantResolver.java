package dev.steward.tenancy;

import java.util.UUID;
import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * Tells Hibernate the workspace of the current unit of work. Hibernate instantiates it by class name (Payara hands
 * Hibernate no CDI BeanManager). Order: the explicit {@link TenantContext}, then the REST request's tenant, else a
 * sentinel that matches no row. Never null: Hibernate would refuse every session, including those that only read
 * global tables such as api_key during authentication.
 */
public class WorkspaceTenantResolver implements CurrentTenantIdentifierResolver<UUID> {
    public static final UUID NO_TENANT = new UUID(0, 0);

    @Override
    public UUID resolveCurrentTenantIdentifier() {
        UUID ws = TenantContext.current();
        if (ws == null) ws = RequestTenant.currentWorkspaceIdOrNull();
        return ws != null ? ws : NO_TENANT;
    }

    @Override
    public boolean validateExistingCurrentSessions() {
        return false;
    }
}
