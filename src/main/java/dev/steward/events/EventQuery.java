package dev.steward.events;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link EventCriteria} as JPQL over the workspace's stored events (Hibernate adds the tenant condition). */
public final class EventQuery {
    private final StringBuilder where = new StringBuilder("e.occurred >= :since and e.occurred <= :until");
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final boolean ascending;

    public EventQuery(EventCriteria c) {
        params.put("since", c.since);
        params.put("until", c.until);
        if (!c.names.isEmpty()) condition("e.name in :names", "names", c.names);
        if (!c.excludeNames.isEmpty()) condition("e.name not in :xnames", "xnames", c.excludeNames);
        anyPrefix("e.name", "prefix", c.prefixes, false);
        anyPrefix("e.name", "xprefix", c.excludePrefixes, true);
        if (!c.resourceIds.isEmpty()) condition("e.resourceId in :rids", "rids", c.resourceIds);
        anyPrefix("e.resourceId", "rprefix", c.resourceIdPrefixes, false);
        int n = 0;
        for (Map.Entry<String, List<String>> label : c.labels.entrySet()) {
            if (!label.getValue().isEmpty()) labelCondition("l" + n++, label.getKey(), label.getValue());
        }
        if (c.related) where.append(" and 1 = 0"); // lifecycle events carry no related resources
        if (!c.ids.isEmpty()) condition("e.id in :ids", "ids", c.ids);
        ascending = c.ascending;
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
            params.put(p, likePrefix(prefixes.get(i)));
        }
        where.append(exclude ? " and not (" : " and (").append(String.join(" or ", parts)).append(")");
    }

    /** One resource label: any positive value (exact or "prefix*") and none of the "!negated" ones. */
    private void labelCondition(String name, String label, List<String> patterns) {
        String value = "function('jsonb_extract_path_text', e.resource, :" + name + "k)";
        params.put(name + "k", label);
        List<String> positive = new ArrayList<>();
        int i = 0;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            String p = negated ? pattern.substring(1) : pattern;
            String param = name + "v" + i++;
            String test = p.endsWith("*") ? value + " like :" + param + " escape '\\'" : value + " = :" + param;
            params.put(param, p.endsWith("*") ? likePrefix(p.substring(0, p.length() - 1)) : p);
            if (negated) {
                where.append(" and (").append(value).append(" is null or not (").append(test).append("))");
            } else {
                positive.add(test);
            }
        }
        if (!positive.isEmpty()) where.append(" and (").append(String.join(" or ", positive)).append(")");
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    public List<StoredEvent> page(EntityManager em, int offset, int limit) {
        String direction = ascending ? "asc" : "desc";
        TypedQuery<StoredEvent> q = em.createQuery("select e from StoredEvent e where " + where
                + " order by e.occurred " + direction + ", e.id " + direction, StoredEvent.class);
        params.forEach(q::setParameter);
        return q.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /**
     * The matching events grouped by two JPQL expressions over {@code e} (value and label), with {@code extra}
     * parameters those expressions use: rows of (value, label, count, oldest occurred, newest occurred).
     */
    public List<Object[]> groups(EntityManager em, String value, String label, Map<String, Object> extra) {
        var q = em.createQuery("select t.value, t.label, count(*), min(t.occurred), max(t.occurred) from (select "
                + value + " as value, " + label + " as label, e.occurred as occurred from StoredEvent e where " + where
                + ") t group by t.value, t.label", Object[].class);
        params.forEach(q::setParameter);
        extra.forEach(q::setParameter);
        return q.getResultList();
    }

    public long count(EntityManager em) {
        TypedQuery<Long> q = em.createQuery("select count(e) from StoredEvent e where " + where, Long.class);
        params.forEach(q::setParameter);
        return q.getSingleResult();
    }
}
