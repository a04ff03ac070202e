package dev.steward.blocks;

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

/** One version of a block type's JSON schema, known by its checksum; immutable once made. */
@Entity
@Table(name = "block_schema")
public class BlockSchema extends WorkspaceOwned {
    @Column(name = "block_type_id", nullable = false)
    private UUID blockTypeId;

    @Column(nullable = false)
    private String checksum;

    @Column(nullable = false)
    private String version;

    /** The JSON schema as compact text. */
    @Column(nullable = false, columnDefinition = "text")
    private String fields;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    private List<String> capabilities = new ArrayList<>();

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected BlockSchema() {}

    BlockSchema(UUID blockTypeId, String checksum, String version, String fields, List<String> capabilities,
                Instant now) {
        this.id = UUID.randomUUID();
        this.blockTypeId = blockTypeId;
        this.checksum = checksum;
        this.version = version;
        this.fields = fields;
        this.capabilities = new ArrayList<>(capabilities);
        this.created = now;
        this.updated = now;
    }

    public UUID getBlockTypeId() { return blockTypeId; }
    public String getChecksum() { return checksum; }
    public String getVersion() { return version; }
    public String getFields() { return fields; }
    public List<String> getCapabilities() { return List.copyOf(capabilities); }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }
}
