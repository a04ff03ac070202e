package dev.steward.audit;

import dev.steward.platform.WorkspaceOwned;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One audit record. before/after are kept as the exact JSON text that was hashed (text, not jsonb, which would
 * normalise it and break verification).
 */
@Entity
@Table(name = "audit_record")
public class AuditRecord extends WorkspaceOwned {
    @Column(nullable = false)
    private long seq;

    @Column(nullable = false)
    private Instant occurred;

    @Column(name = "actor_kind", nullable = false, length = 16)
    private String actorKind;

    @Column(nullable = false)
    private String actor;

    @Column(name = "origin_ip", length = 64)
    private String originIp;

    @Column(name = "user_agent", length = 512)
    private String userAgent;

    @Column(nullable = false, length = 128)
    private String action;

    @Column(name = "resource_id", length = 1024)
    private String resourceId;

    @Column(name = "before_state", columnDefinition = "text")
    private String before;

    @Column(name = "after_state", columnDefinition = "text")
    private String after;

    @Column(nullable = false, length = 16)
    private String outcome;

    @Column(name = "prev_hash", nullable = false, length = 64)
    private String prevHash;

    @Column(nullable = false, length = 64)
    private String hash;

    protected AuditRecord() {}

    AuditRecord(AuditEntry entry, long seq, String prevHash, String hash) {
        this.id = UUID.randomUUID();
        this.seq = seq;
        this.occurred = entry.occurred();
        this.actorKind = entry.actorKind();
        this.actor = entry.actor();
        this.originIp = entry.originIp();
        this.userAgent = entry.userAgent();
        this.action = entry.action();
        this.resourceId = entry.resourceId();
        this.before = entry.before();
        this.after = entry.after();
        this.outcome = entry.outcome();
        this.prevHash = prevHash;
        this.hash = hash;
    }

    public AuditEntry entry() {
        return new AuditEntry(workspaceId, occurred, actorKind, actor, originIp, userAgent, action, resourceId, before,
                after, outcome);
    }

    public long getSeq() { return seq; }
    public String getPrevHash() { return prevHash; }
    public String getHash() { return hash; }
}
