package dev.steward.concurrency;

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

/** Slots held on some limits until released or, when not renewed in time, until it expires. */
@Entity
@Table(name = "concurrency_lease")
public class ConcurrencyLease extends WorkspaceOwned {
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "limit_ids", nullable = false, columnDefinition = "uuid[]")
    private List<UUID> limitIds = new ArrayList<>();

    @Column(nullable = false)
    private int slots;

    /** flow_run, task_run or deployment; null when the client named no holder. */
    @Column(name = "holder_type", length = 16)
    private String holderType;

    @Column(name = "holder_id")
    private UUID holderId;

    @Column(nullable = false)
    private Instant created;

    @Column(nullable = false)
    private Instant expires;

    protected ConcurrencyLease() {}

    ConcurrencyLease(List<UUID> limitIds, int slots, Holder holder, Instant now, Instant expires) {
        this.id = UUID.randomUUID();
        this.limitIds = new ArrayList<>(limitIds);
        this.slots = slots;
        this.holderType = holder == null ? null : holder.type();
        this.holderId = holder == null ? null : holder.id();
        this.created = now;
        this.expires = expires;
    }

    /** Who holds a lease, as Prefect's ConcurrencyLeaseHolder: {type, id}. */
    public record Holder(String type, UUID id) {}

    public List<UUID> getLimitIds() { return List.copyOf(limitIds); }
    public int getSlots() { return slots; }
    public Holder getHolder() { return holderType == null ? null : new Holder(holderType, holderId); }
    public Instant getCreated() { return created; }
    public Instant getExpires() { return expires; }

    void renew(Instant expires) { this.expires = expires; }
}
