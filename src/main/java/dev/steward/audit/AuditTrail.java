package dev.steward.audit;

import dev.steward.access.Caller;
import dev.steward.access.CurrentCaller;
import dev.steward.platform.LifecycleChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Appends audit records to the workspace's hash chain, in the transaction of the change. The chain head row is locked
 * (SELECT … FOR UPDATE) while a record is appended, so concurrent changes in one workspace chain up in order.
 */
@ApplicationScoped
public class AuditTrail {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    void onChange(@Observes LifecycleChange change) {
        record(change.workspaceId(), change.occurred(), change.eventName(), change.resourceId(), change.before(),
                change.after());
    }

    /**
     * Audits a change by the current caller that has no lifecycle event of its own (Prefect emits none for it, e.g.
     * a flow run's update or deletion); call it inside the change's transaction.
     */
    public void record(UUID workspaceId, Instant occurred, String action, String resourceId, JsonValue before,
                       JsonValue after) {
        Caller caller = CurrentCaller.get();
        CurrentCaller.Origin origin = CurrentCaller.origin();
        append(new AuditEntry(workspaceId, occurred, caller.kind().name().toLowerCase(),
                caller.qualifiedName(), origin.ip(), truncate(origin.userAgent(), 512), action,
                resourceId, text(before), text(after), "success"));
    }

    public void append(AuditEntry entry) {
        UUID ws = entry.workspaceId();
        em.createNativeQuery("insert into audit_chain_head (workspace_id, seq, hash) values (?1, 0, ?2) "
                        + "on conflict (workspace_id) do nothing")
                .setParameter(1, ws).setParameter(2, AuditEntry.GENESIS).executeUpdate();
        Object[] head = (Object[]) em.createNativeQuery(
                        "select seq, hash from audit_chain_head where workspace_id = ?1 for update")
                .setParameter(1, ws).getSingleResult();
        long seq = ((Number) head[0]).longValue() + 1;
        String prevHash = (String) head[1];
        String hash = entry.hash(seq, prevHash);
        em.persist(new AuditRecord(entry, seq, prevHash, hash));
        em.createNativeQuery("update audit_chain_head set seq = ?1, hash = ?2 where workspace_id = ?3")
                .setParameter(1, seq).setParameter(2, hash).setParameter(3, ws).executeUpdate();
    }

    /** The workspace's records in chain order, from seq {@code fromSeq} on, at most {@code limit}. */
    public List<AuditRecord> read(long fromSeq, int limit) {
        return em.createQuery("select a from AuditRecord a where a.seq >= :from order by a.seq", AuditRecord.class)
                .setParameter("from", fromSeq)
                .setMaxResults(limit)
                .getResultList();
    }

    private static String text(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : value.toString();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
