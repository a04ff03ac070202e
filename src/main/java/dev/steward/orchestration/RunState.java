package dev.steward.orchestration;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** One state in a run's history, as Prefect's State JSON plus the columns the history is read by. */
@MappedSuperclass
public abstract class RunState extends WorkspaceOwned {
    @Column(nullable = false)
    private String type;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private Instant timestamp;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String body;

    protected RunState() {}

    public String getBody() { return body; }
}
