package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prefect's WorkPoolFilter (id, name, type: each {any_}) and WorkQueueFilter (id {any_}, name {any_, startswith_}) as JPQL. */
final class WorkPoolFilter {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final String operator;

    private WorkPoolFilter(Body filter, String alias) {
        operator = switch (filter.optionalString("operator").orElse("and_")) {
            case "and_" -> "and";
            case "or_" -> "or";
            default -> throw InvalidInput.field(filter.location("operator"), "Input should be 'and_' or 'or_'");
        };
        this.alias = alias;
    }

    private final String alias;

    /** A pool filter over {@code WorkPool p}. */
    static WorkPoolFilter pools(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "type"));
        WorkPoolFilter f = new WorkPoolFilter(filter, "p");
        f.any(filter, "id", "id", true);
        f.any(filter, "name", "name", false);
        f.any(filter, "type", "type", false);
        return f;
    }

    /** A queue filter over {@code WorkQueue q}. */
    static WorkPoolFilter queues(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name"));
        WorkPoolFilter f = new WorkPoolFilter(filter, "q");
        f.any(filter, "id", "id", true);
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "startswith_"));
        name.optionalStrings("any_").ifPresent(names -> f.add("q.name in :names", "names", names));
        name.optionalStrings("startswith_").ifPresent(prefixes -> {
            List<String> each = new ArrayList<>();
            for (int i = 0; i < prefixes.size(); i++) {
                each.add("lower(q.name) like :prefix" + i + " escape '\\'");
                f.params.put("prefix" + i, like(prefixes.get(i).toLowerCase(java.util.Locale.ROOT)) + "%");
            }
            f.conditions.add(each.isEmpty() ? "1 = 0" : "(" + String.join(" or ", each) + ")");
        });
        return f;
    }

    static WorkPoolFilter none(String alias) {
        return new WorkPoolFilter(Body.parse("{}"), alias);
    }

    private void any(Body filter, String field, String attribute, boolean uuids) {
        Body part = filter.object(field);
        part.rejectUnknown(List.of("any_"));
        part.optionalStrings("any_").ifPresent(values -> add(alias + "." + attribute + " in :" + field, field,
                uuids ? Body.uuids(values, part.location("any_")) : values));
    }

    private void add(String condition, String name, List<?> values) {
        // an empty any_ matches nothing, as SQL's IN () does in Prefect
        conditions.add(values.isEmpty() ? "1 = 0" : condition);
        if (!values.isEmpty()) params.put(name, values);
    }

    /** LIKE's wildcards taken literally (Prefect's ILIKE has them unescaped, which a prefix filter never means). */
    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    String where() {
        return conditions.isEmpty() ? "" : " where " + String.join(" " + operator + " ", conditions);
    }

    /** The conditions joined with and to a query that already has a where clause. */
    String and() {
        return conditions.isEmpty() ? "" : " and (" + String.join(" " + operator + " ", conditions) + ")";
    }

    <T> TypedQuery<T> bind(TypedQuery<T> query) {
        params.forEach(query::setParameter);
        return query;
    }
}
