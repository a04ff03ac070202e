package dev.steward.deployments;

import dev.steward.platform.Json;
import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** A deployment's schedule: Prefect's DeploymentSchedule as a JSON document, with its active flag and slug as columns. */
@Entity
@Table(name = "deployment_schedule")
public class DeploymentSchedule extends WorkspaceOwned {
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

    DeploymentSchedule(DeploymentScheduleDocument document) {
        this.id = UUID.fromString(document.json().getString("id"));
        this.deploymentId = UUID.fromString(document.json().getString("deployment_id"));
        this.created = Instant.parse(document.json().getString("created"));
        apply(document);
    }

    /** Replaces the document and the columns derived from it. */
    void apply(DeploymentScheduleDocument document) {
        this.active = document.active();
        this.slug = document.slug().orElse(null);
        this.updated = Instant.parse(document.json().getString("updated"));
        this.body = document.json().toString();
    }

    public UUID getDeploymentId() { return deploymentId; }
    public boolean isActive() { return active; }
    public String getSlug() { return slug; }

    DeploymentScheduleDocument document() {
        return new DeploymentScheduleDocument(Json.parseObject(body));
    }
}
