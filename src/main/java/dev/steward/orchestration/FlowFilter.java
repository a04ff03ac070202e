package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Where;
import jakarta.persistence.EntityManager;
import java.util.List;

/**
 * The flows that {@code /flows/filter} and {@code /flows/count} select: Prefect's FlowFilter, and the flow run, task
 * run, deployment and work pool filters of the same request, as {@link RunFilters} reads them.
 */
final class FlowFilter {
    private final Where where = new Where();

    FlowFilter(Body body) {
        String flows = new RunFilters(where).flows(body);
        if (!flows.equals(Where.TRUE)) where.and(flows);
    }

    List<Flow> page(EntityManager em, FlowSort sort, int offset, int limit) {
        return where.bind(em.createQuery("select f from Flow f" + where.clause() + " order by " + sort.jpql, Flow.class))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(EntityManager em) {
        return where.bind(em.createQuery("select count(f) from Flow f" + where.clause(), Long.class)).getSingleResult();
    }
}
