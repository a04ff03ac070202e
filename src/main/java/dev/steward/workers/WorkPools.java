package dev.steward.workers;

import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Work pools of the current workspace (with their default queue) and the workers that heartbeat into them. Each
 * change fires {@code prefect.work-pool.*} (and, for a pool's queues, {@code prefect.work-queue.*}) in its
 * transaction. Statuses are computed when read: a pool is PAUSED, READY while a worker of it is ONLINE, else
 * NOT_READY; a worker is ONLINE while its last heartbeat is younger than three heartbeat intervals (Prefect's rule).
 * Their changes are announced by {@link StatusAnnouncements}.
 */
@ApplicationScoped
public class WorkPools {
    /** Prefect's pool for queues made without one. */
    public static final String AGENT_POOL_NAME = "default-agent-pool";
    static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 30;
    static final int INACTIVITY_HEARTBEAT_MULTIPLE = 3;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    WorkQueues queues;

    @Inject
    StatusAnnouncements announcements;

    /** What a new pool is made of (Prefect's WorkPoolCreate); null fields take Prefect's defaults. */
    public record Spec(String name, String description, String type, JsonObject baseJobTemplate, boolean paused,
                       Integer concurrencyLimit, JsonObject storageConfiguration) {}

    /** Creates a pool and its default queue; 403 for names starting with "prefect", 409 for a taken name. */
    @Transactional
    public WorkPool create(Spec spec) {
        WorkerRules.poolName(spec.name(), "name");
        if (spec.name().toLowerCase(java.util.Locale.ROOT).startsWith("prefect")) {
            throw new Forbidden("Work pools starting with 'Prefect' are reserved for internal use.");
        }
        return insert(spec);
    }

    private WorkPool insert(Spec spec) {
        if (find(spec.name()).isPresent()) throw new Conflict("A work pool with this name already exists.");
        JsonObject template = WorkerRules.baseJobTemplate(
                spec.baseJobTemplate() == null ? JsonValue.EMPTY_JSON_OBJECT : spec.baseJobTemplate(), "base_job_template");
        WorkPool pool = new WorkPool(spec.name(), spec.description(), spec.type() == null ? WorkPool.AGENT_TYPE : spec.type(),
                template.toString(), spec.paused(), spec.concurrencyLimit(),
                (spec.storageConfiguration() == null ? JsonValue.EMPTY_JSON_OBJECT : spec.storageConfiguration()).toString(),
                Instant.now());
        em.persist(pool);
        em.flush();
        WorkQueue defaultQueue = queues.create(pool,
                new WorkQueues.Spec("default", "The work pool's default queue.", null, null, null));
        pool.setDefaultQueueId(defaultQueue.getId());
        em.flush();
        changes.fire(LifecycleChange.created(pool.getWorkspaceId(), "prefect", "work-pool", pool.getId(), pool.getName(),
                describe(pool), JsonValue.EMPTY_JSON_OBJECT).withResource(WorkPoolDocument.eventLabels(pool),
                        WorkPoolDocument.eventRelated(pool)));
        announcements.announce(pool);
        return pool;
    }

    /** Prefect's agent pool, created when a queue is first made without a pool. */
    @Transactional
    public WorkPool agentPool() {
        return find(AGENT_POOL_NAME).orElseGet(() -> insert(new Spec(AGENT_POOL_NAME, null, WorkPool.AGENT_TYPE, null,
                false, null, null)));
    }

    /** The pool of that name; Prefect's 404 otherwise. */
    @Transactional
    public WorkPool byName(String name) {
        return find(name).orElseThrow(() -> new NotFound("Work pool \"" + name + "\" not found."));
    }

    @Transactional
    public Optional<WorkPool> get(UUID id) {
        return Optional.ofNullable(em.find(WorkPool.class, id));
    }

    @Transactional
    public List<WorkPool> list(WorkPoolFilter filter, int offset, int limit) {
        Where where = filter.where();
        return where.bind(em.createQuery("select p from WorkPool p" + where.clause() + " order by p.name",
                        WorkPool.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Transactional
    public long count(WorkPoolFilter filter) {
        Where where = filter.where();
        return where.bind(em.createQuery("select count(p) from WorkPool p" + where.clause(), Long.class))
                .getSingleResult();
    }

    /** Prefect's WorkPoolUpdate: null means "leave as it is"; {@code clearLimit} removes the limit. */
    public record Update(String description, Boolean paused, JsonObject baseJobTemplate, Integer concurrencyLimit,
                         boolean clearLimit, JsonObject storageConfiguration, boolean onlyPauseOrLimit) {}

    /**
     * Applies the update; a change of description, base job template, concurrency limit or storage configuration
     * emits prefect.work-pool.updated with {@code updated_fields} and {@code updates: {field: {from, to}}}.
     */
    @Transactional
    public void update(WorkPool target, Update u) {
        WorkPool p = em.contains(target) ? target : byName(target.getName());
        if (p.getName().toLowerCase(java.util.Locale.ROOT).startsWith("prefect") && !u.onlyPauseOrLimit()) {
            throw new Forbidden("Work pools starting with 'Prefect' are reserved for internal use and can only "
                    + "be updated to set concurrency limits or pause.");
        }
        FieldUpdates updates = new FieldUpdates();
        if (u.description() != null && !u.description().equals(p.getDescription())) {
            updates.add("description", p.getDescription(), u.description());
            p.setDescription(u.description());
        }
        if (u.baseJobTemplate() != null) {
            JsonObject template = WorkerRules.baseJobTemplate(u.baseJobTemplate(), "base_job_template");
            JsonValue old = Json.parse(p.getBaseJobTemplate());
            if (!old.equals(template)) {
                updates.add("base_job_template", old, template);
                p.setBaseJobTemplate(template.toString());
            }
        }
        Integer limit = u.clearLimit() ? null : u.concurrencyLimit() != null ? u.concurrencyLimit() : p.getConcurrencyLimit();
        if (!Objects.equals(limit, p.getConcurrencyLimit())) {
            updates.add("concurrency_limit", p.getConcurrencyLimit(), limit);
            p.setConcurrencyLimit(limit);
        }
        if (u.storageConfiguration() != null) {
            JsonObject old = WorkPoolDocument.storage(Json.parseObject(p.getStorageConfiguration()));
            JsonObject now = WorkPoolDocument.storage(u.storageConfiguration());
            if (!old.equals(now)) {
                updates.add("storage_configuration", old, now);
                p.setStorageConfiguration(u.storageConfiguration().toString());
            }
        }
        if (u.paused() != null) p.setPaused(u.paused());
        p.touch(Instant.now());
        em.flush();
        announcements.announce(p);
        if (!updates.isEmpty()) {
            changes.fire(LifecycleChange.updated(p.getWorkspaceId(), "prefect", "work-pool", p.getId(), p.getName(),
                    JsonValue.NULL, describe(p), updates.payload())
                    .withResource(WorkPoolDocument.eventLabels(p), JsonValue.EMPTY_JSON_ARRAY));
        }
    }

    /** Deletes the pool, its queues and workers; each queue's and the pool's deletion is an event. */
    @Transactional
    public void delete(WorkPool target) {
        WorkPool p = em.contains(target) ? target : byName(target.getName());
        if (p.getName().toLowerCase(java.util.Locale.ROOT).startsWith("prefect")) {
            throw new Forbidden("Work pools starting with 'Prefect' are reserved for internal use and can not be deleted.");
        }
        JsonObject before = describe(p);
        for (WorkQueue q : queues.inPool(p.getId())) queues.fireDeleted(q, p, queues.describe(q, p.getName(), null));
        JsonArray related = WorkPoolDocument.eventRelated(p);
        // the pool's rows go with it (foreign keys cascade); runs keep their queue id, which then names no queue
        em.remove(p);
        em.flush();
        changes.fire(LifecycleChange.deleted(p.getWorkspaceId(), "prefect", "work-pool", p.getId(), p.getName(),
                before, JsonValue.EMPTY_JSON_OBJECT).withResource(WorkPoolDocument.eventLabels(p), related));
    }

    /**
     * Records a worker's heartbeat (an upsert on pool and name, as Prefect's); {@code channel} says it came over the
     * worker channel. Returns the worker's id.
     */
    @Transactional
    public UUID heartbeat(WorkPool pool, String workerName, Integer intervalSeconds, boolean channel) {
        Instant now = Instant.now();
        UUID worker = em.unwrap(Session.class).doReturningWork(c -> {
            try (var upsert = c.prepareStatement("""
                    insert into worker (id, workspace_id, work_pool_id, name, last_heartbeat_time,
                        heartbeat_interval_seconds, channel, created, updated)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (work_pool_id, name) do update set last_heartbeat_time = excluded.last_heartbeat_time,
                        heartbeat_interval_seconds = coalesce(excluded.heartbeat_interval_seconds,
                            worker.heartbeat_interval_seconds),
                        channel = excluded.channel, updated = excluded.updated
                    returning id""")) {
                java.sql.Timestamp at = java.sql.Timestamp.from(now);
                upsert.setObject(1, UUID.randomUUID());
                upsert.setObject(2, pool.getWorkspaceId());
                upsert.setObject(3, pool.getId());
                upsert.setString(4, workerName);
                upsert.setTimestamp(5, at);
                upsert.setObject(6, intervalSeconds, java.sql.Types.INTEGER);
                upsert.setBoolean(7, channel);
                upsert.setTimestamp(8, at);
                upsert.setTimestamp(9, at);
                try (var rs = upsert.executeQuery()) {
                    rs.next();
                    return rs.getObject(1, UUID.class);
                }
            }
        });
        announcements.heartbeat(pool);
        return worker;
    }

    /** The pool's workers, most recent heartbeat first. */
    @Transactional
    public List<Worker> workers(UUID poolId) {
        return em.createQuery("select w from Worker w where w.workPoolId = :pool order by w.lastHeartbeatTime desc, w.name",
                Worker.class).setParameter("pool", poolId).getResultList();
    }

    @Transactional
    public void deleteWorker(WorkPool pool, String name) {
        int deleted = em.createQuery("delete from Worker w where w.workPoolId = :pool and w.name = :name")
                .setParameter("pool", pool.getId()).setParameter("name", name).executeUpdate();
        if (deleted == 0) throw new NotFound("Worker not found.");
    }

    /** ONLINE while the last heartbeat is younger than three of its intervals (30 s when the worker gave none). */
    static String workerStatus(Worker w, Instant now) {
        int interval = w.getHeartbeatIntervalSeconds() == null ? DEFAULT_HEARTBEAT_INTERVAL_SECONDS : w.getHeartbeatIntervalSeconds();
        return w.getLastHeartbeatTime().isAfter(now.minus(Duration.ofSeconds((long) interval * INACTIVITY_HEARTBEAT_MULTIPLE)))
                ? "ONLINE" : "OFFLINE";
    }

    /** PAUSED, READY (a worker is online) or NOT_READY; none for Prefect's agent pools. */
    @Transactional
    public String status(WorkPool p) {
        if (WorkPool.AGENT_TYPE.equals(p.getType())) return null;
        if (p.isPaused()) return "PAUSED";
        Instant now = Instant.now();
        return workers(p.getId()).stream().anyMatch(w -> "ONLINE".equals(workerStatus(w, now))) ? "READY" : "NOT_READY";
    }

    /** PENDING and RUNNING runs of the pool's queues: what its concurrency limit counts. */
    @Transactional
    public int activeSlots(WorkPool p) {
        return ((Number) em.createNativeQuery("""
                select count(*) from flow_run r join work_queue q on q.id = r.work_queue_id
                where q.workspace_id = ?1 and q.work_pool_id = ?2 and r.workspace_id = ?1
                and r.state_type in ('PENDING', 'RUNNING')""")
                .setParameter(1, p.getWorkspaceId()).setParameter(2, p.getId()).getSingleResult()).intValue();
    }

    /** PENDING and RUNNING runs of the queue: what its concurrency limit counts. */
    @Transactional
    public int activeSlots(WorkQueue q) {
        return ((Number) em.createNativeQuery("""
                select count(*) from flow_run where workspace_id = ?1 and work_queue_id = ?2
                and state_type in ('PENDING', 'RUNNING')""")
                .setParameter(1, q.getWorkspaceId()).setParameter(2, q.getId()).getSingleResult()).intValue();
    }

    /** Prefect's WorkPoolResponse, with the computed status and, for a pool with a limit, its active slots. */
    @Transactional
    public JsonObject describe(WorkPool p) {
        return WorkPoolDocument.write(p, status(p), p.getConcurrencyLimit() == null ? null : activeSlots(p));
    }

    /** The queue's response, with its active slots when it has a limit. */
    @Transactional
    public JsonObject describe(WorkQueue q) {
        WorkPool pool = em.find(WorkPool.class, q.getWorkPoolId());
        return queues.describe(q, pool.getName(), q.getConcurrencyLimit() == null ? null : activeSlots(q));
    }

    /** The pool of that name, if any (no exception: one would mark the caller's transaction for rollback). */
    @Transactional
    public Optional<WorkPool> find(String name) {
        return em.createQuery("select p from WorkPool p where p.name = :name", WorkPool.class)
                .setParameter("name", name).getResultStream().findFirst();
    }
}
