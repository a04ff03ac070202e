package dev.steward.concurrency;

import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.UuidParameters;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Concurrency limits of the current workspace: create, read, update, delete. Each change fires a
 * {@link LifecycleChange} ({@code prefect.concurrency-limit.*}) inside its transaction. Slots are {@link Slots}'s.
 */
@ApplicationScoped
public class ConcurrencyLimitService {
    /** Prefect's banned characters in names. */
    private static final String BANNED = "/%&><";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    ConcurrencySettings settings;

    /** What a create sends (Prefect's ConcurrencyLimitV2Create). */
    public record Create(String name, int limit, boolean active, int activeSlots, int deniedSlots,
                         double slotDecayPerSecond) {}

    /** A partial update; null means "leave as it is" (Prefect's ConcurrencyLimitV2Update). */
    public record Update(String name, Integer limit, Boolean active, Integer activeSlots, Integer deniedSlots,
                         Double slotDecayPerSecond) {
        static Update limitOnly(int limit) {
            return new Update(null, limit, null, null, null, null);
        }
    }

    @Transactional
    public ConcurrencyLimit create(Create c) {
        checkName(c.name());
        if (findByName(c.name()).isPresent()) throw duplicate(c.name());
        ConcurrencyLimit limit = new ConcurrencyLimit(c.name(), c.limit(), c.active(), c.activeSlots(), c.deniedSlots(),
                c.slotDecayPerSecond(), Instant.now());
        em.persist(limit);
        em.flush();
        changes.fire(LifecycleChange.created(limit.getWorkspaceId(), "prefect", "concurrency-limit", limit.getId(),
                limit.getName(), describe(limit), ConcurrencyLimitDocument.eventPayload(limit)));
        return limit;
    }

    /** The result of a v1 create: the limit, and whether it is new (else its limit was updated). */
    public record Upserted(ConcurrencyLimit limit, boolean created) {}

    /** Prefect's v1 create: the limit {@code tag:<tag>} with this many slots, created or updated. */
    @Transactional
    public Upserted upsertTag(String tag, int slots) {
        String name = TagLimits.name(tag);
        Optional<ConcurrencyLimit> existing = findByName(name);
        if (existing.isPresent()) return new Upserted(update(existing.get().getId().toString(), Update.limitOnly(slots)), false);
        return new Upserted(create(new Create(name, slots, true, 0, 0, 0)), true);
    }

    /** By id when {@code idOrName} is a UUID, else by name, as Prefect resolves {id_or_name}. */
    @Transactional
    public ConcurrencyLimit get(String idOrName) {
        return find(idOrName).orElseThrow(ConcurrencyLimitService::notFound);
    }

    @Transactional
    public Optional<ConcurrencyLimit> find(String idOrName) {
        UUID id = UuidParameters.parse(idOrName).orElse(null);
        return id != null ? Optional.ofNullable(em.find(ConcurrencyLimit.class, id)) : findByName(idOrName);
    }

    @Transactional
    public Optional<ConcurrencyLimit> findByName(String name) {
        return em.createQuery("select c from ConcurrencyLimit c where c.name = :name", ConcurrencyLimit.class)
                .setParameter("name", name).getResultStream().findFirst();
    }

    /** Limits ordered by name; {@code namePrefix} (may be null) keeps those whose names start with it. */
    @Transactional
    public List<ConcurrencyLimit> list(String namePrefix, int offset, int limit) {
        Where where = new Where();
        if (namePrefix != null) {
            where.and("substring(c.name, 1, " + where.param(namePrefix.length()) + ") = " + where.param(namePrefix));
        }
        return where.bind(em.createQuery("select c from ConcurrencyLimit c" + where.clause() + " order by c.name, c.id",
                ConcurrencyLimit.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Transactional
    public ConcurrencyLimit update(String idOrName, Update u) {
        ConcurrencyLimit limit = get(idOrName);
        JsonObject before = describe(limit);
        Instant now = Instant.now();
        limit.settle(now, settings.maxWaitFor(limit.getName()));
        if (u.name() != null && !u.name().equals(limit.getName())) {
            checkName(u.name());
            if (findByName(u.name()).isPresent()) throw duplicate(u.name());
            limit.setName(u.name());
        }
        if (u.limit() != null) limit.setLimit(u.limit());
        if (u.active() != null) limit.setActive(u.active());
        if (u.activeSlots() != null) limit.setActiveSlots(u.activeSlots());
        if (u.deniedSlots() != null) limit.setDeniedSlots(u.deniedSlots());
        if (u.slotDecayPerSecond() != null) limit.setSlotDecayPerSecond(u.slotDecayPerSecond());
        em.flush();
        changes.fire(LifecycleChange.updated(limit.getWorkspaceId(), "prefect", "concurrency-limit", limit.getId(),
                limit.getName(), before, describe(limit), ConcurrencyLimitDocument.eventPayload(limit)));
        return limit;
    }

    /**
     * Deletes a limit. Leases that hold it let go of it first (a lease on several limits keeps the others), so a
     * lease never gives back slots to a limit that is gone, and a lease left with no limit is dropped.
     */
    @Transactional
    public void delete(String idOrName) {
        ConcurrencyLimit limit = get(idOrName);
        JsonObject before = describe(limit);
        JsonObject payload = ConcurrencyLimitDocument.eventPayload(limit);
        // leases first, in id order, as the sweep and releases lock them: lease locks always come before limit locks
        em.createNativeQuery("select id from concurrency_lease where workspace_id = ?1 and ?2 = any(limit_ids) "
                        + "order by id for update")
                .setParameter(1, limit.getWorkspaceId()).setParameter(2, limit.getId()).getResultList();
        em.createNativeQuery("update concurrency_lease set limit_ids = array_remove(limit_ids, ?2) "
                        + "where workspace_id = ?1 and ?2 = any(limit_ids)")
                .setParameter(1, limit.getWorkspaceId()).setParameter(2, limit.getId()).executeUpdate();
        em.createNativeQuery("delete from concurrency_lease where workspace_id = ?1 and cardinality(limit_ids) = 0")
                .setParameter(1, limit.getWorkspaceId()).executeUpdate();
        em.remove(limit);
        em.flush();
        changes.fire(LifecycleChange.deleted(limit.getWorkspaceId(), "prefect", "concurrency-limit", limit.getId(),
                limit.getName(), before, payload));
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> BANNED.indexOf(c) >= 0)) {
            throw InvalidInput.field("name", "String should match pattern '^[^/%&><]+$'");
        }
        if (name.length() > 255) throw InvalidInput.field("name", "String should have at most 255 characters");
    }

    static Problem notFound() {
        return new NotFound("Concurrency Limit not found");
    }

    private static Problem duplicate(String name) {
        return new Conflict("A concurrency limit with the name '" + name + "' already exists.");
    }

    /** Prefect's ConcurrencyLimitV2: every field, as create answers and the audit trail keeps it. */
    public JsonObject describe(ConcurrencyLimit c) {
        return ConcurrencyLimitDocument.writeFull(c, settings.maxWaitFor(c.getName()));
    }
}
