package dev.steward.deployments;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.TenantId;

/** A deployment's schedule: Prefect's DeploymentSchedule as a JSON document, with its active flag and slug as columns. */
@Entity
@Table(name = "deployment_schedule")
public class DeploymentSchedule {
    @Id
    private UUID id;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    private UUID workspaceId;

    @Column(name = "deployment_id", nullable = false, updatable = false)
    private UUID deploymentId;

    @Column(nullable = false)
    private boolean active;

    private String slug;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String body;

    protected DeploymentSchedule() {}

    DeploymentSchedule(JsonObject doc) {
        this.id = UUID.fromString(doc.getString("id"));
        this.deploymentId = UUID.fromString(doc.getString("deployment_id"));
        this.created = Instant.parse(doc.getString("created"));
        apply(doc);
    }

    void apply(JsonObject doc) {
        this.active = doc.getBoolean("active", true);
        this.slug = doc.get("slug") instanceof JsonString s ? s.getString() : null;
        this.updated = Instant.parse(doc.getString("updated"));
        this.body = doc.toString();
    }

    public UUID getId() { return id; }
    public UUID getDeploymentId() { return deploymentId; }
    public boolean isActive() { return active; }
    public String getSlug() { return slug; }

    public JsonObject document() {
        return Json.parseObject(body);
    }
}
