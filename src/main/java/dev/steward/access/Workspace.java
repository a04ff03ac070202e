package dev.steward.access;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A tenant. Global (not itself partitioned); addressed in URLs by slug or id. */
@Entity
@Table(name = "workspace")
public class Workspace {
    @Id
    private UUID id;

    @Column(nullable = false, unique = true, length = 63)
    private String slug;

    @Column(nullable = false, length = 200)
    private String name;

    @Column(nullable = false)
    private Instant created;

    protected Workspace() {}

    public Workspace(UUID id, String slug, String name, Instant created) {
        this.id = id;
        this.slug = slug;
        this.name = name;
        this.created = created;
    }

    public UUID getId() { return id; }
    public String getSlug() { return slug; }
    public String getName() { return name; }
    public Instant getCreated() { return created; }
}
