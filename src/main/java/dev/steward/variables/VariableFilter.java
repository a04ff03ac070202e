package dev.steward.variables;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefect's VariableFilter as JPQL: id {any_}, name {any_, like_}, tags {all_, is_null_}, joined by the filter's
 * operator (and_ or or_). {@code like_} matches anywhere in the name, case-insensitively, as Prefect's ILIKE does.
 */
final class VariableFilter {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final String operator;

    VariableFilter(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "tags"));
        operator = junction(filter);
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(ids -> add("v.id in :ids", "ids", Body.uuids(ids, "variables.id.any_")));
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "like_"));
        name.optionalStrings("any_").ifPresent(names -> add("v.name in :names", "names", names));
        name.optionalString("like_").ifPresent(like -> add("lower(v.name) like :like", "like", "%" + like.toLowerCase() + "%"));
        Body tags = filter.object("tags");
        tags.rejectUnknown(List.of("operator", "all_", "is_null_"));
        List<String> tagConditions = new ArrayList<>();
        tags.optionalStrings("all_").ifPresent(all -> {
            List<String> each = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                each.add("array_contains(v.tags, :tag" + i + ")");
                params.put("tag" + i, all.get(i));
            }
            if (!each.isEmpty()) tagConditions.add("(" + String.join(" and ", each) + ")");
        });
        if (tags.has("is_null_") && tags.json().get("is_null_") != jakarta.json.JsonValue.NULL) {
            var isNull = tags.json().get("is_null_");
            if (isNull == jakarta.json.JsonValue.TRUE) tagConditions.add("array_length(v.tags) = 0");
            else if (isNull == jakarta.json.JsonValue.FALSE) tagConditions.add("array_length(v.tags) > 0");
            else throw InvalidInput.field("variables.tags.is_null_", "Input should be a valid boolean");
        }
        if (!tagConditions.isEmpty()) {
            conditions.add("(" + String.join(" " + junction(tags) + " ", tagConditions) + ")");
        }
    }

    private static String junction(Body body) {
        String op = body.optionalString("operator").orElse("and_");
        return switch (op) {
            case "and_" -> "and";
            case "or_" -> "or";
            default -> throw InvalidInput.field("variables.operator", "Input should be 'and_' or 'or_'");
        };
    }

    private void add(String condition, String name, Object value) {
        conditions.add(condition);
        params.put(name, value);
    }


    String where() {
        return conditions.isEmpty() ? "" : " where " + String.join(" " + operator + " ", conditions);
    }

    <T> TypedQuery<T> bind(TypedQuery<T> query) {
        params.forEach(query::setParameter);
        return query;
    }

    List<Variable> page(EntityManager em, VariableSort sort, int offset, int limit) {
        return bind(em.createQuery("select v from Variable v" + where() + " order by " + sort.jpql, Variable.class))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(EntityManager em) {
        return bind(em.createQuery("select count(v) from Variable v" + where(), Long.class)).getSingleResult();
    }
}
