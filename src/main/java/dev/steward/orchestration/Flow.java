package dev.steward.orchestration;

import dev.steward.platform.WorkspaceOwned;
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

/** A flow, known by its name within a workspace; its runs refer to it. */
@Entity
@Table(name = "flow")
public class Flow extends WorkspaceOwned {
    @Column(nullable = false)
    private String name;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    /** Key-value labels as a JSON object. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String labels;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected Flow() {}

    Flow(String name, List<String> tags, String labels, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.tags = new ArrayList<>(tags);
        this.labels = labels;
        this.created = now;
        this.updated = now;
    }

    public String getName() { return name; }
    public List<String> getTags() { return List.copyOf(tags); }
    public String getLabels() { return labels; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setTags(List<String> tags, Instant now) {
        this.tags = new ArrayList<>(tags);
        this.updated = now;
    }
}
