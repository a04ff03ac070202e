package dev.steward.orchestration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** A state in a flow run's history. */
@Entity
@Table(name = "flow_run_state")
public class FlowRunState extends RunState {
    @Column(name = "flow_run_id", nullable = false)
    private UUID flowRunId;

    protected FlowRunState() {}
}
