package dev.steward.workers;

import dev.steward.access.TenantScope;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Problem.Rejected;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Work queues of the current workspace's pools: creation with Prefect's priority rules, reads, updates, deletion,
 * and {@link #resolve}, the lookup deployments make. Each change fires {@code prefect.work-queue.*} in its transaction.
 */
@ApplicationScoped
public class WorkQueues {
    /** A queue polled within this long is healthy (Prefect's health check policy, apart from its READY status). */
    static final Duration HEALTHY_WITHIN = Duration.ofSeconds(60);

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    WorkPools pools;

    @Inject
    StatusAnnouncements announcements;

    @Inject
    StatusSettings settings;

    @Inject
    Event<QueuesPolled> polls;

    /** A pool and one of its queues, as a deployment refers to them. */
    public record Resolved(UUID poolId, String poolName, UUID queueId, String queueName) {}

    /** What a new queue is made of; null fields take Prefect's defaults. */
    public record Spec(String name, String description, Boolean paused, Integer concurrencyLimit, Integer priority) {
        static Spec named(String name) {
            return new Spec(name, null, null, null, null);
        }
    }

    /**
     * The pool and queue a deployment with these names runs in, as Prefect's deployment creation resolves them: a pool
     * without a queue name gives the pool's default queue; a queue name unknown in the pool creates that queue; an
     * unknown pool is a 404 ({@code Work pool "x" not found.}). A queue name without a pool is a queue of Prefect's
     * agent pool {@code default-agent-pool} (created, and the queue in it, when missing). Neither name: empty.
     */
    @Transactional
    public Optional<Resolved> resolve(String poolName, String queueName) {
        if (poolName == null && queueName == null) return Optional.empty();
        WorkPool pool = poolName == null ? pools.agentPool() : pools.byName(poolName);
        WorkQueue queue = queueName == null ? get(pool.getDefaultQueueId())
                : find(pool.getId(), queueName).orElseGet(() -> create(pool, Spec.named(queueName)));
        return Optional.of(new Resolved(pool.getId(), pool.getName(), queue.getId(), queue.getName()));
    }

    /**
     * The pool and queue a flow run created with these names runs in, as Prefect's flow-run creation looks them up:
     * without a queue name the pool's default queue; an unknown pool or queue is a 404, nothing is created.
     */
    @Transactional
    public Resolved lookup(String poolName, String queueName) {
        WorkPool pool = pools.byName(poolName);
        WorkQueue queue = queueName == null ? get(pool.getDefaultQueueId()) : byName(pool, queueName);
        return new Resolved(pool.getId(), pool.getName(), queue.getId(), queue.getName());
    }

    /** Creates a queue in the pool; Prefect's 409 when the pool has a queue of that name. */
    @Transactional
    public WorkQueue create(WorkPool pool, Spec spec) {
        WorkerRules.queueName(spec.name(), "name");
        if (find(pool.getId(), spec.name()).isPresent()) {
            throw new Conflict("A work queue with this name already exists in work pool '" + pool.getName() + "'.");
        }
        List<WorkQueue> queues = inPool(pool.getId());
        int priority = spec.priority() != null ? spec.priority() : firstFreePriority(queues);
        WorkQueue q = new WorkQueue(pool.getId(), spec.name(),
                spec.description() == null ? "" : spec.description(), Boolean.TRUE.equals(spec.paused()),
                spec.concurrencyLimit(), priority, Instant.now());
        em.persist(q);
        em.flush();
        if (spec.priority() != null) reorder(queues, q);
        changes.fire(queueEvent(LifecycleChange.created(q.getWorkspaceId(), "prefect", "work-queue", q.getId(),
                q.getName(), describe(q, pool.getName(), null), JsonValue.EMPTY_JSON_OBJECT), pool));
        announcements.announce(q, pool);
        return q;
    }

    @Transactional
    public WorkQueue get(UUID id) {
        return find(id).orElseThrow(() -> new NotFound("Work queue not found."));
    }

    /** The queue of that id, if any (no exception: one would mark the caller's transaction for rollback). */
    @Transactional
    public Optional<WorkQueue> find(UUID id) {
        return Optional.ofNullable(em.find(WorkQueue.class, id));
    }

    /** The pool's queue of that name; Prefect's 404 names both. */
    @Transactional
    public WorkQueue byName(WorkPool pool, String name) {
        return find(pool.getId(), name).orElseThrow(() ->
                new NotFound("Work pool queue '" + pool.getName() + "/" + name + "' not found."));
    }

    /** The pool's queues by priority. */
    @Transactional
    public List<WorkQueue> inPool(UUID poolId) {
        return em.createQuery("select q from WorkQueue q where q.workPoolId = :pool order by q.priority, q.name", WorkQueue.class)
                .setParameter("pool", poolId).getResultList();
    }

    /** A page of the pool's queues (all pools' when {@code poolId} is null, by name, as Prefect's legacy route). */
    @Transactional
    public List<WorkQueue> list(UUID poolId, WorkPoolFilter filter, int offset, int limit) {
        Where where = filter.where();
        if (poolId != null) where.and("q.workPoolId = " + where.param(poolId));
        String jpql = "select q from WorkQueue q" + where.clause()
                + (poolId == null ? " order by q.name, q.id" : " order by q.priority, q.name");
        return where.bind(em.createQuery(jpql, WorkQueue.class)).setFirstResult(offset).setMaxResults(limit)
                .getResultList();
    }

    /** A partial update; null means "leave as it is", {@code clearLimit} removes the concurrency limit. */
    public record Update(String name, String description, Boolean paused, Integer concurrencyLimit, boolean clearLimit,
                         Integer priority, Instant lastPolled) {}

    /** Applies the update; name, description, limit and priority changes emit prefect.work-queue.updated. */
    @Transactional
    public void update(WorkQueue target, Update u) {
        WorkQueue q = em.contains(target) ? target : get(target.getId());
        WorkPool pool = em.find(WorkPool.class, q.getWorkPoolId());
        FieldUpdates updates = new FieldUpdates();
        if (u.name() != null && !u.name().equals(q.getName())) {
            WorkerRules.queueName(u.name(), "name");
            if (find(q.getWorkPoolId(), u.name()).isPresent()) {
                throw new Conflict("A work queue with this name already exists in work pool '" + pool.getName() + "'.");
            }
            updates.add("name", q.getName(), u.name());
            q.setName(u.name());
        }
        if (u.description() != null && !u.description().equals(q.getDescription())) {
            updates.add("description", q.getDescription(), u.description());
            q.setDescription(u.description());
        }
        Integer limit = u.clearLimit() ? null : u.concurrencyLimit() != null ? u.concurrencyLimit() : q.getConcurrencyLimit();
        if (!java.util.Objects.equals(limit, q.getConcurrencyLimit())) {
            updates.add("concurrency_limit", q.getConcurrencyLimit(), limit);
            q.setConcurrencyLimit(limit);
        }
        if (u.paused() != null) q.setPaused(u.paused());
        if (u.lastPolled() != null) q.setLastPolled(u.lastPolled());
        if (u.priority() != null && u.priority() != q.getPriority()) {
            updates.add("priority", q.getPriority(), u.priority());
            q.setPriority(u.priority());
            List<WorkQueue> others = new ArrayList<>(inPool(q.getWorkPoolId()));
            others.removeIf(o -> o.getId().equals(q.getId()));
            reorder(others, q);
        }
        q.touch(Instant.now());
        em.flush();
        if (!updates.isEmpty()) {
            changes.fire(queueEvent(LifecycleChange.updated(q.getWorkspaceId(), "prefect", "work-queue", q.getId(),
                    q.getName(), JsonValue.NULL, describe(q, pool.getName(), null), updates.payload()),
                    pool));
        }
        announcements.announce(q, pool);
    }

    /** Deletes a queue other than its pool's default one (Prefect's 400 for that). */
    @Transactional
    public void delete(WorkQueue target) {
        WorkQueue q = em.contains(target) ? target : get(target.getId());
        WorkPool pool = em.find(WorkPool.class, q.getWorkPoolId());
        if (q.getId().equals(pool.getDefaultQueueId())) {
            throw new Rejected("Can't delete a pool's default queue.");
        }
        JsonObject before = describe(q, pool.getName(), null);
        em.remove(q);
        em.flush();
        fireDeleted(q, pool, before);
    }

    void fireDeleted(WorkQueue q, WorkPool pool, JsonObject before) {
        changes.fire(queueEvent(LifecycleChange.deleted(q.getWorkspaceId(), "prefect", "work-queue", q.getId(),
                q.getName(), before, JsonValue.EMPTY_JSON_OBJECT), pool));
    }

    /**
     * Records a poll of these queues: they become READY (announced if they were not), and so do the deployments that
     * run in them (through {@link QueuesPolled}).
     */
    @Transactional
    public void polled(List<UUID> queueIds, Instant at) {
        if (queueIds.isEmpty()) return;
        em.createQuery("update WorkQueue q set q.lastPolled = :at where q.id in :ids")
                .setParameter("at", at).setParameter("ids", queueIds).executeUpdate();
        announcements.polled(queueIds);
        polls.fire(new QueuesPolled(TenantScope.workspaceId(), queueIds, at));
    }

    /** Prefect's WorkQueueStatusDetail: healthy when polled in the last 60 s and no run of it is Late. */
    @Transactional
    public JsonObject health(WorkQueue q) {
        long late = lateRuns(q);
        Instant polled = q.getLastPolled();
        boolean healthy = late == 0 && polled != null && polled.isAfter(Instant.now().minus(HEALTHY_WITHIN));
        return WorkQueueDocument.writeStatus(healthy, late, polled, HEALTHY_WITHIN);
    }

    /** The queue's runs in a state named Late (Prefect's measure of a queue's health). */
    private long lateRuns(WorkQueue q) {
        return ((Number) em.createNativeQuery("select count(*) from flow_run where workspace_id = ?1 and work_queue_id = ?2 "
                + "and state_name = 'Late'").setParameter(1, q.getWorkspaceId()).setParameter(2, q.getId())
                .getSingleResult()).longValue();
    }

    Optional<WorkQueue> find(UUID poolId, String name) {
        return em.createQuery("select q from WorkQueue q where q.workPoolId = :pool and q.name = :name", WorkQueue.class)
                .setParameter("pool", poolId).setParameter("name", name).getResultStream().findFirst();
    }

    /** Prefect's priority for a queue made without one: the first gap in 1, 2, 3, ..., else one past the highest. */
    private static int firstFreePriority(List<WorkQueue> queues) {
        List<Integer> taken = queues.stream().map(WorkQueue::getPriority).sorted().toList();
        for (int i = 0; i < taken.size(); i++) {
            if (taken.get(i) != i + 1) return i + 1;
        }
        return taken.isEmpty() ? 1 : taken.get(taken.size() - 1) + 1;
    }

    /**
     * Prefect's bulk priority update: {@code moved} takes its priority, placed before the first queue at or
     * above it, and every following queue is raised just enough to keep priorities strictly increasing.
     */
    private static void reorder(List<WorkQueue> others, WorkQueue moved) {
        List<WorkQueue> order = new ArrayList<>(others);
        order.sort(Comparator.comparingInt(WorkQueue::getPriority));
        int at = order.size();
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).getPriority() >= moved.getPriority()) {
                at = i;
                break;
            }
        }
        order.add(at, moved);
        int last = 0;
        for (WorkQueue q : order) {
            if (q.getPriority() <= last) {
                last++;
                q.setPriority(last);
            } else {
                last = q.getPriority();
            }
        }
    }

    /** A queue's lifecycle change as Prefect's event names it: in the role work-queue, related to its pool. */
    private static LifecycleChange queueEvent(LifecycleChange change, WorkPool pool) {
        return change.withResource(WorkQueueDocument.EVENT_LABELS, WorkQueueDocument.eventRelated(pool));
    }

    /** Prefect's WorkQueueResponse; {@code activeSlots} only for a queue with a limit (null: not counted). */
    JsonObject describe(WorkQueue q, String poolName, Integer activeSlots) {
        return WorkQueueDocument.write(q, poolName, status(q, Instant.now()),
                q.getConcurrencyLimit() == null ? null : activeSlots);
    }

    /** PAUSED, READY (polled within {@link StatusSettings#pollTimeout}) or NOT_READY. */
    String status(WorkQueue q, Instant now) {
        if (q.isPaused()) return "PAUSED";
        return q.getLastPolled() != null && q.getLastPolled().isAfter(now.minus(settings.pollTimeout()))
                ? "READY" : "NOT_READY";
    }
}
