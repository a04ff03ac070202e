package dev.steward.deployments;

import dev.steward.platform.Json;
import dev.steward.platform.WorkspaceOwned;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A deployment: Prefect's Deployment as a JSON document ({@code body}, without its schedules, which have their own
 * rows) plus the columns that the upsert, filters and sorts use, always set from the document.
 */
@Entity
@Table(name = "deployment")
public class Deployment extends WorkspaceOwned {
    @Column(name = "flow_id", nullable = false)
    private UUID flowId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private boolean paused;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    @Column(name = "work_queue_id")
    private UUID workQueueId;

    @Column(name = "work_queue_name")
    private String workQueueName;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String body;

    protected Deployment() {}

    Deployment(DeploymentDocument document) {
        this.id = UUID.fromString(document.json().getString("id"));
        this.created = Instant.parse(document.json().getString("created"));
        apply(document);
    }

    /** Replaces the document and the columns derived from it. */
    void apply(DeploymentDocument document) {
        JsonObject doc = document.json();
        this.flowId = UUID.fromString(doc.getString("flow_id"));
        this.name = doc.getString("name");
        this.paused = doc.getBoolean("paused", false);
        this.tags = new ArrayList<>(doc.getJsonArray("tags").getValuesAs(JsonString::getString));
        this.workQueueId = doc.get("work_queue_id") instanceof JsonString s ? UUID.fromString(s.getString()) : null;
        this.workQueueName = doc.get("work_queue_name") instanceof JsonString s ? s.getString() : null;
        this.updated = Instant.parse(doc.getString("updated"));
        this.body = doc.toString();
    }

    public UUID getFlowId() { return flowId; }
    public String getName() { return name; }
    public boolean isPaused() { return paused; }
    public UUID getWorkQueueId() { return workQueueId; }

    /** Prefect's Deployment fields as stored (schedules and the concurrency limit object are added on reads). */
    DeploymentDocument document() {
        return new DeploymentDocument(Json.parseObject(body));
    }
}
