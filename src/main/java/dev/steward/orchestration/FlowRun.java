package dev.steward.orchestration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.TenantId;
import org.hibernate.type.SqlTypes;

/**
 * A flow run: Prefect's FlowRun object as a JSON document ({@code body}, what the API serves) plus the columns that
 * filters and sorts use, kept in step by {@link FlowRunService}.
 */
@Entity
@Table(name = "flow_run")
public class FlowRun {
    @Id
    private UUID id;

    @TenantId
    @Column(name = "workspace_id", nullable = false, updatable = false)
    private UUID workspaceId;

    @Column(name = "flow_id", nullable = false)
    private UUID flowId;

    @Column(nullable = false)
    private String name;

    @Column(name = "state_type")
    private String stateType;

    @Column(name = "state_name")
    private String stateName;

    @Column(name = "idempotency_key")
    private String idempotencyKey;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    @Column(name = "expected_start_time")
    private Instant expectedStartTime;

    @Column(name = "start_time")
    private Instant startTime;

    @Column(name = "end_time")
    private Instant endTime;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String body;

    protected FlowRun() {}

    FlowRun(UUID id, UUID flowId, String name, String idempotencyKey, List<String> tags, Instant now) {
        this.id = id;
        this.flowId = flowId;
        this.name = name;
        this.idempotencyKey = idempotencyKey;
        this.tags = new ArrayList<>(tags);
        this.created = now;
        this.updated = now;
    }

    public UUID getId() { return id; }
    public UUID getWorkspaceId() { return workspaceId; }
    public UUID getFlowId() { return flowId; }
    public String getName() { return name; }
    public String getStateType() { return stateType; }
    public Instant getCreated() { return created; }
    public String getBody() { return body; }

    /** Replaces the document and the columns derived from it. */
    void store(jakarta.json.JsonObject run, Instant now) {
        this.body = run.toString();
        this.name = run.getString("name");
        if (run.get("tags") instanceof jakarta.json.JsonArray list) {
            this.tags = new ArrayList<>(list.getValuesAs(jakarta.json.JsonString::getString));
        }
        this.stateType = run.isNull("state_type") ? null : run.getString("state_type");
        this.stateName = run.isNull("state_name") ? null : run.getString("state_name");
        this.expectedStartTime = RunJson.instant(run, "expected_start_time");
        this.startTime = RunJson.instant(run, "start_time");
        this.endTime = RunJson.instant(run, "end_time");
        this.updated = now;
    }
}
