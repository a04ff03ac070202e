package dev.steward.events;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** An event as stored: Prefect's event schema, partitioned by workspace. JSON parts are jsonb columns. */
@Entity
@Table(name = "event")
public class StoredEvent extends WorkspaceOwned {
    @Column(nullable = false)
    private Instant occurred;

    @Column(nullable = false)
    private Instant received;

    @Column(name = "event", nullable = false, length = 1024)
    private String name;

    @Column(name = "resource_id", nullable = false, length = 1024)
    private String resourceId;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String resource;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String related;

    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false, columnDefinition = "jsonb")
    private String payload;

    private UUID follows;

    protected StoredEvent() {}

    public StoredEvent(UUID id, Instant occurred, Instant received, String name, String resourceId, String resource,
                       String related, String payload, UUID follows) {
        this.id = id;
        this.occurred = occurred;
        this.received = received;
        this.name = name;
        this.resourceId = resourceId;
        this.resource = resource;
        this.related = related;
        this.payload = payload;
        this.follows = follows;
    }

    public Instant getOccurred() { return occurred; }
    public Instant getReceived() { return received; }
    public String getName() { return name; }
    public String getResourceId() { return resourceId; }
    public String getResource() { return resource; }
    public String getRelated() { return related; }
    public String getPayload() { return payload; }
    public UUID getFollows() { return follows; }
}
