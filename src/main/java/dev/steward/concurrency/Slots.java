package dev.steward.concurrency;

import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Taking and giving back slots of the current workspace's limits. Every change locks the limit rows it touches
 * (SELECT … FOR UPDATE, ordered by id) before it reads their counts, so concurrent requests serialise on each limit
 * and a limit never grants more slots than it has. Locks are always taken leases first, then limits.
 */
@ApplicationScoped
public class Slots {
    /** V1 clients cannot renew their leases: Prefect gives them about a hundred years. */
    static final Duration V1_LEASE_TTL = Duration.ofDays(100 * 365);

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    ConcurrencySettings settings;

    public enum Mode { CONCURRENCY, RATE_LIMIT }

    /** The outcome of a request for slots. */
    public sealed interface Outcome permits Granted, Denied {}

    /** Slots taken on every active limit of {@code limits}; {@code leaseId} names the lease, if one was asked for. */
    public record Granted(List<ConcurrencyLimit> limits, UUID leaseId) implements Outcome {}

    /** Not now: {@code detail} for the 423 body, and when to try again ({@code retryAfterSeconds}, may be null). */
    public record Denied(String detail, Double retryAfterSeconds) implements Outcome {}

    /** A lease request: how long and for whom. */
    public record LeaseRequest(Duration ttl, ConcurrencyLease.Holder holder) {}

    /**
     * Takes {@code slots} on each active limit among {@code names} (unknown names are ignored, inactive limits are
     * answered but not counted), all or none. {@code lease} null takes them without a lease. When they do not all
     * fit, the denial is recorded on the limits (it paces later retries) and a retry delay is suggested.
     */
    @Transactional
    public Outcome acquire(Collection<String> names, int slots, Mode mode, LeaseRequest lease) {
        Instant now = Instant.now();
        List<ConcurrencyLimit> limits = lockByNames(names);
        List<ConcurrencyLimit> active = limits.stream().filter(ConcurrencyLimit::isActive).toList();
        if (active.stream().anyMatch(l -> l.getLimit() < slots)) {
            throw new InvalidInput("Slots requested is greater than the limit");
        }
        if (mode == Mode.RATE_LIMIT) {
            String nonDecaying = active.stream().filter(l -> !l.isRateLimit()).map(ConcurrencyLimit::getName)
                    .collect(Collectors.joining(","));
            if (!nonDecaying.isEmpty()) {
                throw new InvalidInput("Only concurrency limits with slot decay can be used for rate limiting. "
                        + "The following limits do not have a decay configured: '" + nonDecaying + "'");
            }
        }
        boolean fits = active.stream().allMatch(l -> l.activeSlotsAt(now) + slots <= l.getLimit());
        if (!fits) {
            double retryAfter = retryAfter(active, slots, now);
            for (ConcurrencyLimit l : active) {
                l.settle(now, settings.maxWaitFor(l.getName()));
                l.deny(slots);
            }
            return new Denied("Locked", retryAfter);
        }
        for (ConcurrencyLimit l : active) {
            l.settle(now, settings.maxWaitFor(l.getName()));
            l.occupy(slots);
        }
        UUID leaseId = null;
        if (lease != null) {
            if (limits.isEmpty()) {
                // nothing to hold: Prefect answers a lease id all the same, and the client never uses it
                leaseId = UUID.randomUUID();
            } else {
                ConcurrencyLease l = new ConcurrencyLease(ids(limits), slots, lease.holder(), now, now.plus(lease.ttl()));
                em.persist(l);
                leaseId = l.getId();
            }
        }
        return new Granted(limits, leaseId);
    }

    /** Gives back {@code slots} on each active limit among {@code names}; answers every limit found. */
    @Transactional
    public List<ConcurrencyLimit> release(Collection<String> names, int slots, Double occupancySeconds) {
        Instant now = Instant.now();
        List<ConcurrencyLimit> limits = lockByNames(names);
        for (ConcurrencyLimit l : limits) {
            if (!l.isActive()) continue;
            l.settle(now, settings.maxWaitFor(l.getName()));
            l.release(slots);
            if (occupancySeconds != null) l.recordOccupancy(occupancySeconds, slots);
        }
        return limits;
    }

    /** Releases a lease's slots and ends it; an unknown (or already released) lease is no error. */
    @Transactional
    public void releaseLease(UUID leaseId) {
        ConcurrencyLease lease = em.find(ConcurrencyLease.class, leaseId, LockModeType.PESSIMISTIC_WRITE);
        if (lease != null) end(lease, true);
    }

    /** Extends a live lease to {@code ttl} from now; false when it is unknown, released or expired. */
    @Transactional
    public boolean renew(UUID leaseId, Duration ttl) {
        ConcurrencyLease lease = em.find(ConcurrencyLease.class, leaseId, LockModeType.PESSIMISTIC_WRITE);
        Instant now = Instant.now();
        if (lease == null || lease.getExpires().isBefore(now)) return false;
        lease.renew(now.plus(ttl));
        return true;
    }

    /**
     * Prefect's v1 increment for a task run's tags: one slot on each active {@code tag:} limit under a lease of the
     * task run that does not expire. A limit of 0 would never let the task run: it is refused as Prefect does.
     */
    @Transactional
    public Outcome acquireForTags(List<String> tags, UUID taskRunId) {
        Instant now = Instant.now();
        List<ConcurrencyLimit> limits = lockByNames(TagLimits.names(tags));
        for (ConcurrencyLimit l : limits) {
            if (l.getLimit() == 0) {
                return new Denied("The concurrency limit on tag \"" + TagLimits.tag(l.getName())
                        + "\" is 0 and will deadlock if the task tries to run again.", null);
            }
        }
        List<ConcurrencyLimit> active = limits.stream().filter(ConcurrencyLimit::isActive).toList();
        for (ConcurrencyLimit l : active) {
            if (l.activeSlotsAt(now) + 1 > l.getLimit()) {
                return new Denied("Concurrency limit for the " + TagLimits.tag(l.getName()) + " tag has been reached",
                        settings.tagSlotWaitSeconds());
            }
        }
        for (ConcurrencyLimit l : active) {
            l.settle(now, settings.maxWaitFor(l.getName()));
            l.occupy(1);
        }
        if (!active.isEmpty()) {
            em.persist(new ConcurrencyLease(ids(active), 1, new ConcurrencyLease.Holder("task_run", taskRunId), now,
                    now.plus(V1_LEASE_TTL)));
        }
        return new Granted(active, null);
    }

    /** Prefect's v1 decrement: ends the task run's leases on these tags' limits; answers the limits found. */
    @Transactional
    public List<ConcurrencyLimit> releaseForTags(List<String> tags, UUID taskRunId) {
        // ids only: entities loaded before their rows are locked would keep stale counts in the persistence context
        List<UUID> limitIds = em.createQuery("select c.id from ConcurrencyLimit c where c.name in :names", UUID.class)
                .setParameter("names", TagLimits.names(tags)).getResultList();
        if (limitIds.isEmpty()) return List.of();
        List<ConcurrencyLease> leases = em.createQuery("select l from ConcurrencyLease l where l.holderId = :holder "
                        + "order by l.id", ConcurrencyLease.class)
                .setParameter("holder", taskRunId).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        for (ConcurrencyLease lease : leases) {
            if (lease.getLimitIds().stream().anyMatch(limitIds::contains)) end(lease, false);
        }
        return lockByIds(limitIds);
    }

    /**
     * Prefect's v1 reset of a tag: every lease on the limit ends (its slots are given back), the limit's count goes
     * to 0, then each task run of {@code slotOverride} takes one slot under a lease that does not expire.
     */
    @Transactional
    public void resetTag(ConcurrencyLimit limit, List<UUID> slotOverride) {
        Instant now = Instant.now();
        List<ConcurrencyLease> leases = em.createQuery("select l from ConcurrencyLease l "
                        + "where array_contains(l.limitIds, :limit) order by l.id", ConcurrencyLease.class)
                .setParameter("limit", limit.getId()).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        leases.forEach(lease -> end(lease, false));
        ConcurrencyLimit locked = lockByIds(List.of(limit.getId())).get(0);
        locked.settle(now, settings.maxWaitFor(locked.getName()));
        locked.setActiveSlots(0);
        for (UUID taskRunId : slotOverride) {
            locked.occupy(1);
            em.persist(new ConcurrencyLease(List.of(locked.getId()), 1, new ConcurrencyLease.Holder("task_run", taskRunId),
                    now, now.plus(V1_LEASE_TTL)));
        }
    }

    /** The task runs holding slots of a limit through live leases (v1's active_slots). */
    @Transactional
    public List<UUID> taskRunHolders(UUID limitId) {
        return em.createQuery("select l.holderId from ConcurrencyLease l where l.holderType = 'task_run' "
                        + "and l.expires >= :now and array_contains(l.limitIds, :limit) order by l.created", UUID.class)
                .setParameter("now", Instant.now()).setParameter("limit", limitId).getResultList();
    }

    /**
     * Ends up to {@code max} expired leases of the current workspace and gives their slots back. Leases another
     * instance is ending right now are skipped (SKIP LOCKED), so sweeping on every instance is harmless.
     */
    @Transactional
    public int releaseExpired(int max) {
        List<ConcurrencyLease> expired = em.createQuery("select l from ConcurrencyLease l where l.expires < :now "
                        + "order by l.id", ConcurrencyLease.class)
                .setParameter("now", Instant.now())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .setMaxResults(max).getResultList();
        expired.forEach(lease -> end(lease, false));
        return expired.size();
    }

    /** Hibernate's lock timeout value for SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;

    /** Gives back a locked lease's slots on its active limits and deletes it. */
    private void end(ConcurrencyLease lease, boolean recordOccupancy) {
        Instant now = Instant.now();
        double occupied = Duration.between(lease.getCreated(), now).toNanos() / 1e9;
        for (ConcurrencyLimit l : lockByIds(lease.getLimitIds())) {
            if (!l.isActive()) continue;
            l.settle(now, settings.maxWaitFor(l.getName()));
            l.release(lease.getSlots());
            if (recordOccupancy) l.recordOccupancy(occupied, lease.getSlots());
        }
        em.remove(lease);
    }

    private List<ConcurrencyLimit> lockByNames(Collection<String> names) {
        if (names.isEmpty()) return List.of();
        return em.createQuery("select c from ConcurrencyLimit c where c.name in :names order by c.id",
                        ConcurrencyLimit.class)
                .setParameter("names", Set.copyOf(names)).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
    }

    private List<ConcurrencyLimit> lockByIds(Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return em.createQuery("select c from ConcurrencyLimit c where c.id in :ids order by c.id", ConcurrencyLimit.class)
                .setParameter("ids", Set.copyOf(ids)).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
    }

    private static List<UUID> ids(List<ConcurrencyLimit> limits) {
        List<UUID> ids = new ArrayList<>(limits.size());
        limits.forEach(l -> ids.add(l.getId()));
        return ids;
    }

    /**
     * Prefect's suggestion of when to try again: the limit that blocks most (denied slots per slot of limit, or
     * per decayed slot for a rate limit) times how long a slot is held (capped for limits without decay), with
     * jitter so that waiting clients do not all come back at once.
     */
    private double retryAfter(List<ConcurrencyLimit> active, int slots, Instant now) {
        ConcurrencyLimit blocking = null;
        double blockingSlots = -1;
        for (ConcurrencyLimit l : active) {
            double denied = slots + l.deniedSlotsAt(now, settings.maxWaitFor(l.getName()));
            double weight = l.isRateLimit() ? denied : denied / l.getLimit();
            if (weight > blockingSlots) {
                blocking = l;
                blockingSlots = weight;
            }
        }
        if (blocking == null) return 0;
        double average;
        if (blocking.isRateLimit()) {
            average = blockingSlots / blocking.getSlotDecayPerSecond();
        } else {
            double maxWait = settings.maxWaitFor(blocking.getName());
            average = Math.min(Math.min(blocking.getAvgSlotOccupancySeconds(), maxWait) * blockingSlots, maxWait);
        }
        return jittered(average);
    }

    /**
     * An exponentially distributed delay around {@code average}, kept within [c·average, 1.3·average] where c is
     * chosen so that the mean stays about {@code average}.
     */
    static double jittered(double average) {
        if (average <= 0) return 0;
        double upperMultiple = 1.3;
        double lowerMultiple = Math.log(Math.pow(2, upperMultiple) / (Math.pow(2, upperMultiple) - 1)) / Math.log(2);
        double lowerCdf = 1 - Math.exp(-lowerMultiple);
        double upperCdf = 1 - Math.exp(-upperMultiple);
        double u = ThreadLocalRandom.current().nextDouble(lowerCdf, upperCdf);
        return -Math.log(Math.max(1 - u, 1e-10)) * average;
    }
}
