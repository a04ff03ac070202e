package dev.steward.orchestration;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A flow run: Prefect's FlowRun object as a JSON document ({@code body}, what the API serves) plus the columns that
 * filters and sorts use. Mapped for queries only: rows are written by {@link FlowRunStore}, which derives the columns.
 */
@Entity
@Table(name = "flow_run")
public class FlowRun extends WorkspaceOwned {
    @Column(name = "flow_id", nullable = false)
    private UUID flowId;

    @Column(nullable = false)
    private String name;

    @Column(name = "state_type")
    private String stateType;

    @Column(name = "state_name")
    private String stateName;

    @Column(name = "deployment_id")
    private UUID deploymentId;

    @Column(name = "idempotency_key")
    private String idempotencyKey;

    @Column(name = "work_queue_id")
    private UUID workQueueId;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags;

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

    public String getBody() { return body; }
}
