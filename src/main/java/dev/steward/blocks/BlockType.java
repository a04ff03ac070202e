package dev.steward.blocks;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A kind of block (Secret, Webhook, S3Bucket...): its name, slug and presentation; a workspace's own. */
@Entity
@Table(name = "block_type")
public class BlockType extends WorkspaceOwned {
    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String slug;

    @Column(name = "logo_url")
    private String logoUrl;

    @Column(name = "documentation_url")
    private String documentationUrl;

    private String description;

    @Column(name = "code_example")
    private String codeExample;

    @Column(name = "is_protected", nullable = false)
    private boolean protectedType;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant updated;

    protected BlockType() {}

    BlockType(String name, String slug, boolean protectedType, Instant now) {
        this.id = UUID.randomUUID();
        this.name = name;
        this.slug = slug;
        this.protectedType = protectedType;
        this.created = now;
        this.updated = now;
    }

    public String getName() { return name; }
    public String getSlug() { return slug; }
    public String getLogoUrl() { return logoUrl; }
    public String getDocumentationUrl() { return documentationUrl; }
    public String getDescription() { return description; }
    public String getCodeExample() { return codeExample; }
    public boolean isProtected() { return protectedType; }
    public Instant getCreated() { return created; }
    public Instant getUpdated() { return updated; }

    void setLogoUrl(String logoUrl) { this.logoUrl = logoUrl; }
    void setDocumentationUrl(String documentationUrl) { this.documentationUrl = documentationUrl; }
    void setDescription(String description) { this.description = description; }
    void setCodeExample(String codeExample) { this.codeExample = codeExample; }
    void touch(Instant now) { this.updated = now; }
}
