package dev.steward.orchestration;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** A state in a task run's history. */
@Entity
@Table(name = "task_run_state")
public class TaskRunState extends RunState {
    @Column(name = "task_run_id", nullable = false)
    private UUID taskRunId;

    public UUID getTaskRunId() { return taskRunId; }

    protected TaskRunState() {}
}
