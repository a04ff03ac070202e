package dev.steward.variables;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A named JSON value with tags, partitioned by workspace. */
@Entity
@Table(name = "variable")
public class Variable extends WorkspaceOwned {
    @Column(nullable = false)
    private String name;

    /** Compact JSON text; "null" for a null value. */
    @Column(nullable = false, columnDefinition = "text")
    private String value;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> tags = new ArrayList<>();

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected Variable() {}

    Variable(String name, String value, List<String> tags, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.value = value;
        this.tags = new ArrayList<>(tags);
        this.created = now;
        this.updated = now;
    }

    public String getName() { return name; }
    public String getValue() { return value; }
    public List<String> getTags() { return List.copyOf(tags); }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setName(String name) { this.name = name; }
    void setValue(String value) { this.value = value; }
    void setTags(List<String> tags) { this.tags = new ArrayList<>(tags); }
    void touch(Instant now) { this.updated = now; }
}
