package dev.steward.workers;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A work pool: a named place where flow runs wait for workers of its type, with the base job template the workers
 * fill in. It always has a default queue (created with it); its status is computed, not stored ({@link WorkPools}).
 */
@Entity
@Table(name = "work_pool")
public class WorkPool extends WorkspaceOwned {
    /** Prefect's type of the pools that hold work queues made without a pool (agents' queues). */
    public static final String AGENT_TYPE = "prefect-agent";


    @Column(nullable = false)
    private String name;

    @Column(columnDefinition = "text")
    private String description;

    @Column(nullable = false)
    private String type;

    /** JSON object text. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(name = "base_job_template", nullable = false, columnDefinition = "jsonb")
    private String baseJobTemplate;

    @Column(name = "is_paused", nullable = false)
    private boolean paused;

    @Column(name = "concurrency_limit")
    private Integer concurrencyLimit;

    @Column(name = "default_queue_id")
    private UUID defaultQueueId;

    /** JSON object text. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(name = "storage_configuration", nullable = false, columnDefinition = "jsonb")
    private String storageConfiguration;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected WorkPool() {}

    WorkPool(String name, String description, String type, String baseJobTemplate, boolean paused,
             Integer concurrencyLimit, String storageConfiguration, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.description = description;
        this.type = type;
        this.baseJobTemplate = baseJobTemplate;
        this.paused = paused;
        this.concurrencyLimit = concurrencyLimit;
        this.storageConfiguration = storageConfiguration;
        this.created = now;
        this.updated = now;
    }

    public String getName() { return name; }
    public String getDescription() { return description; }
    public String getType() { return type; }
    public String getBaseJobTemplate() { return baseJobTemplate; }
    public boolean isPaused() { return paused; }
    public Integer getConcurrencyLimit() { return concurrencyLimit; }
    public UUID getDefaultQueueId() { return defaultQueueId; }
    public String getStorageConfiguration() { return storageConfiguration; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setDescription(String description) { this.description = description; }
    void setBaseJobTemplate(String baseJobTemplate) { this.baseJobTemplate = baseJobTemplate; }
    void setPaused(boolean paused) { this.paused = paused; }
    void setConcurrencyLimit(Integer concurrencyLimit) { this.concurrencyLimit = concurrencyLimit; }
    void setDefaultQueueId(UUID defaultQueueId) { this.defaultQueueId = defaultQueueId; }
    void setStorageConfiguration(String storageConfiguration) { this.storageConfiguration = storageConfiguration; }
    void touch(Instant now) { this.updated = now; }
}
