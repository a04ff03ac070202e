package dev.steward.blocks;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A document's field that holds another document (Prefect's {@code {"$ref": {"block_document_id": ...}}}). */
@Entity
@Table(name = "block_document_reference")
public class BlockDocumentReference extends WorkspaceOwned {
    @Column(name = "parent_block_document_id", nullable = false)
    private UUID parentId;

    @Column(name = "reference_block_document_id", nullable = false)
    private UUID referenceId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private Instant created;

    protected BlockDocumentReference() {}

    BlockDocumentReference(UUID parentId, String name, UUID referenceId, Instant now) {
        this.id = UUID.randomUUID();
        this.parentId = parentId;
        this.name = name;
        this.referenceId = referenceId;
        this.created = now;
    }

    public UUID getParentId() { return parentId; }
    public UUID getReferenceId() { return referenceId; }
    public String getName() { return name; }
}
