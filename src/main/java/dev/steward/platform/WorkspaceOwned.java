package dev.steward.platform;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.util.UUID;
import org.hibernate.annotations.TenantId;

/**
 * What every entity a workspace owns starts with: its id, and its workspace, which Hibernate's {@code @TenantId}
 * sets from the current admission on insert and adds to every query of the entity.
 */
@MappedSuperclass
public abstract class WorkspaceOwned {
    @Id
    protected UUID id;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    protected UUID workspaceId;

    public UUID getId() { return id; }

    public UUID getWorkspaceId() { return workspaceId; }
}
