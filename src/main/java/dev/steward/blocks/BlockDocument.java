package dev.steward.blocks;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A configured block: its data (without references to other documents, which are {@link BlockDocumentReference}s),
 * with every secret field sealed. Only {@link BlockDocuments} reads or writes {@link #getSealedData()}.
 */
@Entity
@Table(name = "block_document")
public class BlockDocument extends WorkspaceOwned {
    @Column(name = "block_type_id", nullable = false)
    private UUID blockTypeId;

    @Column(name = "block_schema_id", nullable = false)
    private UUID blockSchemaId;

    @Column(name = "block_type_name", nullable = false)
    private String blockTypeName;

    @Column(nullable = false)
    private String name;

    @Column(name = "is_anonymous", nullable = false)
    private boolean anonymous;

    /** Compact JSON, secret values sealed. */
    @Column(name = "data", nullable = false, columnDefinition = "text")
    private String sealedData;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected BlockDocument() {}

    BlockDocument(UUID id, BlockType type, UUID blockSchemaId, String name, boolean anonymous, Instant now) {
        this.id = id;
        this.blockTypeId = type.getId();
        this.blockTypeName = type.getName();
        this.blockSchemaId = blockSchemaId;
        this.name = name;
        this.anonymous = anonymous;
        this.sealedData = "{}";
        this.created = now;
        this.updated = now;
    }

    public UUID getBlockTypeId() { return blockTypeId; }
    public UUID getBlockSchemaId() { return blockSchemaId; }
    public String getBlockTypeName() { return blockTypeName; }
    public String getName() { return name; }
    public boolean isAnonymous() { return anonymous; }
    String getSealedData() { return sealedData; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setSealedData(String sealedData) { this.sealedData = sealedData; }
    void setBlockSchemaId(UUID blockSchemaId) { this.blockSchemaId = blockSchemaId; }
    void touch(Instant now) { this.updated = now; }
}
