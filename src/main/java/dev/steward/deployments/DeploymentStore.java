package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.concurrency.ConcurrencyLimit;
import dev.steward.orchestration.Flow;
import dev.steward.orchestration.RunFilters;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The rows of the deployments of the current workspace and of their schedules (Hibernate's tenant id keeps every
 * query to the workspace): finds, plain or locked against the scheduler, the upsert's key, the filtered page, and
 * what a response joins (the flow, the concurrency limits). The services read and write deployments only through it.
 */
@ApplicationScoped
public class DeploymentStore {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    Optional<Deployment> find(UUID id) {
        return Optional.ofNullable(em.find(Deployment.class, id));
    }

    /** The deployment, or NotFound. */
    Deployment get(UUID id) {
        return find(id).orElseThrow(DeploymentStore::notFound);
    }

    /** The deployment locked FOR UPDATE: a scheduler round holding it (FOR SHARE) commits its runs first. */
    Deployment getForUpdate(UUID id) {
        return Optional.ofNullable(em.find(Deployment.class, id, LockModeType.PESSIMISTIC_WRITE))
                .orElseThrow(DeploymentStore::notFound);
    }

    /**
     * The deployment locked FOR SHARE: a pause, update or deletion (each writes the row and deletes the deployment's
     * scheduled runs) waits until the caller's runs are committed, and one committed first is seen.
     */
    Optional<Deployment> findForShare(UUID id) {
        return Optional.ofNullable(em.find(Deployment.class, id, LockModeType.PESSIMISTIC_READ));
    }

    /** {@code GET /deployments/name/{flow}/{deployment}}. */
    Deployment getByName(String flowName, String name) {
        return em.createQuery("select d from Deployment d, Flow f where f.id = d.flowId and f.name = :flow "
                        + "and d.name = :name", Deployment.class)
                .setParameter("flow", flowName).setParameter("name", name).setMaxResults(1)
                .getResultStream().findFirst().orElseThrow(DeploymentStore::notFound);
    }

    /**
     * The deployment of this flow and name, if any, with the key held until the transaction ends: two deploys of one
     * flow and name at once (two CI jobs) update one deployment instead of one of them failing on the unique key.
     */
    Optional<Deployment> lockByFlowAndName(UUID flowId, String name) {
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "deployment:" + flowId + ":" + name).getSingleResult();
        return em.createQuery("select d from Deployment d where d.flowId = :flow and d.name = :name", Deployment.class)
                .setParameter("flow", flowId).setParameter("name", name).getResultStream().findFirst();
    }

    /** {@code POST /deployments/filter}: the page of deployments the body's filters select, in its sort order. */
    List<Deployment> page(Body body, int offset, int limit) {
        Filter filter = new Filter(body);
        String order = switch (body.optionalString("sort").orElse("NAME_ASC")) {
            case "CREATED_DESC" -> "d.created desc, d.id";
            case "UPDATED_DESC" -> "d.updated desc, d.id";
            case "NAME_ASC" -> "d.name asc, d.id";
            case "NAME_DESC" -> "d.name desc, d.id";
            default -> throw InvalidInput.field("sort", "Input should be 'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'");
        };
        return filter.bind(em.createQuery("select d from Deployment d" + filter.where.clause() + " order by " + order,
                Deployment.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(Body body) {
        Filter filter = new Filter(body);
        return filter.bind(em.createQuery("select count(d) from Deployment d" + filter.where.clause(), Long.class))
                .getSingleResult();
    }

    /**
     * Prefect's deployment filter with the flow, run, pool and queue filters it may be combined with, written by
     * {@link RunFilters} (which flows and runs share); its parameters are its own.
     */
    private static final class Filter {
        private final RunFilters filters = new RunFilters();
        private final Where where = new Where();

        Filter(Body body) {
            where.and(filters.deployments(body));
        }

        <Q extends Query> Q bind(Q query) {
            filters.params().forEach(query::setParameter);
            return query;
        }
    }

    /**
     * Prefect's mark_deployments_ready, when a runner polls for their runs ({@code column} "id") or a worker polls
     * their queues ("work_queue_id"): status and last_polled change, updated does not. Returns the deployments that
     * were not READY, locked first so that of two concurrent polls one sees each of them change.
     */
    @SuppressWarnings("unchecked")
    List<UUID> markReady(String column, List<UUID> ids, Instant polled) {
        String where = " where workspace_id = ?1 and " + column + " in (?2)";
        List<UUID> changed = em.createNativeQuery("select id from deployment" + where
                        + " and body->>'status' is distinct from 'READY' order by id for update")
                .setParameter(1, TenantScope.workspaceId()).setParameter(2, ids).getResultList();
        em.createNativeQuery("update deployment set body = body || jsonb_build_object('status', 'READY', 'last_polled', "
                        + "cast(?3 as text))" + where)
                .setParameter(1, TenantScope.workspaceId()).setParameter(2, ids)
                .setParameter(3, polled.toString()).executeUpdate();
        return changed;
    }

    /** Prefect's mark_deployments_not_ready: whether the deployment was READY and polled before {@code before}. */
    boolean markNotReady(UUID id, Instant before) {
        return em.createNativeQuery("update deployment set body = body || '{\"status\": \"NOT_READY\"}' "
                        + "where workspace_id = ?1 and id = ?2 and body->>'status' = 'READY' "
                        + "and cast(body->>'last_polled' as timestamptz) < ?3")
                .setParameter(1, TenantScope.workspaceId()).setParameter(2, id).setParameter(3, before)
                .executeUpdate() == 1;
    }

    /** READY deployments of every workspace not polled since {@code before}: (workspace id, id), oldest first. */
    @SuppressWarnings("unchecked")
    List<Object[]> readyPolledBefore(Instant before, int limit) {
        return em.createNativeQuery("select workspace_id, id from deployment where body->>'status' = 'READY' "
                        + "and cast(body->>'last_polled' as timestamptz) < ?1 "
                        + "order by cast(body->>'last_polled' as timestamptz) limit ?2")
                .setParameter(1, before).setParameter(2, limit).getResultList();
    }

    void add(Deployment d) {
        em.persist(d);
    }

    void remove(Deployment d) {
        em.remove(d);
    }

    /** Writes the changes so far, so that statements that follow (and the lifecycle observers) see them. */
    void flush() {
        em.flush();
    }

    /** The schedules of a deployment, newest update first (Prefect's order). */
    List<DeploymentSchedule> schedules(UUID deploymentId) {
        return em.createQuery("select s from DeploymentSchedule s where s.deploymentId = :d order by s.updated desc, s.id",
                DeploymentSchedule.class).setParameter("d", deploymentId).getResultList();
    }

    /** The schedules of a page of deployments in one query, by deployment, each list in Prefect's order. */
    Map<UUID, List<DeploymentSchedule>> schedules(List<UUID> deploymentIds) {
        Map<UUID, List<DeploymentSchedule>> out = new HashMap<>();
        em.createQuery("select s from DeploymentSchedule s where s.deploymentId in :ids order by s.updated desc, s.id",
                        DeploymentSchedule.class).setParameter("ids", deploymentIds)
                .getResultList().forEach(s -> out.computeIfAbsent(s.getDeploymentId(), k -> new ArrayList<>()).add(s));
        return out;
    }

    /** A schedule of this deployment, or NotFound (also when it belongs to another). */
    DeploymentSchedule schedule(UUID deploymentId, UUID scheduleId) {
        DeploymentSchedule s = em.find(DeploymentSchedule.class, scheduleId);
        if (s == null || !s.getDeploymentId().equals(deploymentId)) throw new NotFound("Schedule not found.");
        return s;
    }

    void add(DeploymentSchedule s) {
        em.persist(s);
    }

    void remove(DeploymentSchedule s) {
        em.remove(s);
    }

    void removeSchedules(UUID deploymentId) {
        em.createQuery("delete from DeploymentSchedule s where s.deploymentId = :d").setParameter("d", deploymentId)
                .executeUpdate();
    }

    Optional<Flow> flow(UUID id) {
        return Optional.ofNullable(em.find(Flow.class, id));
    }

    /** The concurrency limits of these ids, for a page of responses. */
    List<ConcurrencyLimit> concurrencyLimits(List<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        return em.createQuery("select c from ConcurrencyLimit c where c.id in :ids", ConcurrencyLimit.class)
                .setParameter("ids", ids).getResultList();
    }

    private static NotFound notFound() {
        return new NotFound("Deployment not found");
    }
}
