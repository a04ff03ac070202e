package dev.steward.access;

import java.util.UUID;
import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * Tells Hibernate the workspace of the current unit of work ({@link TenantScope#current()}). Hibernate instantiates it
 * by class name (Payara hands Hibernate no CDI BeanManager). Outside a workspace it answers a sentinel that matches no
 * row, never null: Hibernate would refuse every session, including those that only read global tables such as api_key
 * during authentication.
 */
public class WorkspaceTenantResolver implements CurrentTenantIdentifierResolver<UUID> {
    public static final UUID NO_TENANT = new UUID(0, 0);

    @Override
    public UUID resolveCurrentTenantIdentifier() {
        return TenantScope.current().map(Admission::workspaceId).orElse(NO_TENANT);
    }

    @Override
    public boolean validateExistingCurrentSessions() {
        return false;
    }
}
