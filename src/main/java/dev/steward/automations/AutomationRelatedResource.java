package dev.steward.automations;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;
import org.hibernate.annotations.TenantId;

/** A resource an automation is related to (a deployment it runs) or owned by (the deployment that created it). */
@Entity
@Table(name = "automation_related_resource")
@IdClass(AutomationRelatedResource.Key.class)
public class AutomationRelatedResource {
    @Id
    @Column(name = "automation_id")
    private UUID automationId;

    @Id
    @Column(name = "resource_id")
    private String resourceId;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    private UUID workspaceId;

    @Column(name = "owned_by_resource", nullable = false)
    private boolean ownedByResource;

    protected AutomationRelatedResource() {}

    AutomationRelatedResource(UUID automationId, String resourceId, boolean ownedByResource) {
        this.automationId = automationId;
        this.resourceId = resourceId;
        this.ownedByResource = ownedByResource;
    }

    /** Once owned, always owned (Prefect ORs the flag on every relate). */
    void own() {
        this.ownedByResource = true;
    }

    /** The composite key, as JPA's {@code @IdClass} needs it: a plain class with the id fields' names. */
    public static class Key implements Serializable {
        private UUID automationId;
        private String resourceId;

        public Key() {}

        Key(UUID automationId, String resourceId) {
            this.automationId = automationId;
            this.resourceId = resourceId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Objects.equals(automationId, k.automationId)
                    && java.util.Objects.equals(resourceId, k.resourceId);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(automationId, resourceId);
        }
    }
}
