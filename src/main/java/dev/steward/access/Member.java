package dev.steward.access;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A Keycloak user's role in a workspace, granted explicitly (Keycloak groups can grant roles too). */
@Entity
@Table(name = "workspace_member")
public class Member {
    @Id
    private UUID id;

    @Column(name = "workspace_id", nullable = false)
    private UUID workspaceId;

    @Column(nullable = false)
    private String username;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private Role role;

    @Column(nullable = false)
    private Instant created;

    protected Member() {}

    public Member(UUID workspaceId, String username, Role role, Instant created) {
        this.id = UUID.randomUUID();
        this.workspaceId = workspaceId;
        this.username = username;
        this.role = role;
        this.created = created;
    }

    public UUID getId() { return id; }
    public UUID getWorkspaceId() { return workspaceId; }
    public String getUsername() { return username; }
    public Role getRole() { return role; }
    public void setRole(Role role) { this.role = role; }
    public Instant getCreated() { return created; }
}
