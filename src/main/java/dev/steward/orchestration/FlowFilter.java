package dev.steward.orchestration;

import dev.steward.platform.Body;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Map;

/**
 * The flows that {@code /flows/filter} and {@code /flows/count} select: Prefect's FlowFilter, and the flow run, task
 * run, deployment and work pool filters of the same request, as {@link RunFilters} reads them.
 */
final class FlowFilter {
    private final String where;
    private final Map<String, Object> params;

    FlowFilter(Body body) {
        RunFilters filters = new RunFilters();
        where = filters.flows(body);
        params = filters.params();
    }

    private String where() {
        return where.equals(RunFilters.TRUE) ? "" : " where " + where;
    }

    private <T> TypedQuery<T> bind(TypedQuery<T> query) {
        params.forEach(query::setParameter);
        return query;
    }

    List<Flow> page(EntityManager em, FlowSort sort, int offset, int limit) {
        return bind(em.createQuery("select f from Flow f" + where() + " order by " + sort.jpql, Flow.class))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(EntityManager em) {
        return bind(em.createQuery("select count(f) from Flow f" + where(), Long.class)).getSingleResult();
    }
}
