package dev.steward.events;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Prefect's EventFilter, translated to JPQL over the workspace's events (the tenant filter is Hibernate's). Supported:
 * occurred {since, until}, event {prefix, exclude_prefix, name, exclude_name}, resource {id, id_prefix},
 * id {id}, order; other parts are answered with a 422 rather than silently ignored.
 */
public final class EventQuery {
    private static final List<String> SUPPORTED = List.of("occurred", "event", "resource", "id", "order");

    private final StringBuilder where = new StringBuilder("1 = 1");
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final boolean ascending;

    private EventQuery(Body filter) {
        filter.rejectUnknown(SUPPORTED);
        Body occurred = filter.object("occurred");
        Instant since = occurred.optionalInstant("since")
                .orElse(LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(180L * 86400));
        Instant until = occurred.optionalInstant("until").orElse(Instant.now());
        condition("e.occurred >= :since", "since", since);
        condition("e.occurred <= :until", "until", until);

        Body event = filter.object("event");
        event.optionalStrings("name").ifPresent(names -> condition("e.name in :names", "names", names));
        event.optionalStrings("exclude_name").ifPresent(names -> condition("e.name not in :xnames", "xnames", names));
        event.optionalStrings("prefix").ifPresent(prefixes -> anyPrefix("e.name", "prefix", prefixes, false));
        event.optionalStrings("exclude_prefix").ifPresent(prefixes -> anyPrefix("e.name", "xprefix", prefixes, true));

        Body resource = filter.object("resource");
        resource.optionalStrings("id").ifPresent(ids -> condition("e.resourceId in :rids", "rids", ids));
        resource.optionalStrings("id_prefix").ifPresent(prefixes -> anyPrefix("e.resourceId", "rprefix", prefixes, false));

        filter.object("id").optionalStrings("id").ifPresent(ids -> {
            List<UUID> uuids = new ArrayList<>();
            for (String id : ids) {
                try {
                    uuids.add(UUID.fromString(id));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("filter.id.id", "Input should be a valid UUID");
                }
            }
            condition("e.id in :ids", "ids", uuids);
        });
        String order = filter.optionalString("order").orElse("DESC");
        if (!order.equals("ASC") && !order.equals("DESC")) {
            throw ApiException.invalid("filter.order", "Input should be 'ASC' or 'DESC'");
        }
        ascending = order.equals("ASC");
    }

    public static EventQuery of(Body filter) {
        return new EventQuery(filter);
    }

    private void condition(String jpql, String name, Object value) {
        where.append(" and ").append(jpql);
        params.put(name, value);
    }

    private void anyPrefix(String field, String name, List<String> prefixes, boolean exclude) {
        if (prefixes.isEmpty()) return;
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++) {
            String p = name + i;
            parts.add(field + " like :" + p + " escape '\\'");
            params.put(p, prefixes.get(i).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        where.append(exclude ? " and not (" : " and (").append(String.join(" or ", parts)).append(")");
    }

    public List<StoredEvent> page(EntityManager em, int offset, int limit) {
        String direction = ascending ? "asc" : "desc";
        TypedQuery<StoredEvent> q = em.createQuery("select e from StoredEvent e where " + where
                + " order by e.occurred " + direction + ", e.id " + direction, StoredEvent.class);
        params.forEach(q::setParameter);
        return q.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public long count(EntityManager em) {
        TypedQuery<Long> q = em.createQuery("select count(e) from StoredEvent e where " + where, Long.class);
        params.forEach(q::setParameter);
        return q.getSingleResult();
    }
}
