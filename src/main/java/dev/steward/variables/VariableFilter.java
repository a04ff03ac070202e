package dev.steward.variables;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefect's VariableFilter as JPQL: id {any_}, name {any_, like_}, tags {all_, is_null_}, joined by the filter's
 * operator (and_ or or_). {@code like_} matches anywhere in the name, case-insensitively, as Prefect's ILIKE does.
 */
final class VariableFilter {
    private final Where where = new Where();

    VariableFilter(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "tags"));
        String operator = junction(filter);
        List<String> parts = new ArrayList<>();
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(ids -> parts.add("v.id in " + where.param(Body.uuids(ids, "variables.id.any_"))));
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "like_"));
        name.optionalStrings("any_").ifPresent(names -> parts.add("v.name in " + where.param(names)));
        name.optionalString("like_").ifPresent(like -> parts.add("lower(v.name) like " + where.param("%" + like.toLowerCase() + "%")));
        Body tags = filter.object("tags");
        tags.rejectUnknown(List.of("operator", "all_", "is_null_"));
        List<String> tagConditions = new ArrayList<>();
        tags.optionalStrings("all_").ifPresent(all -> {
            List<String> each = new ArrayList<>();
            for (String tag : all) each.add("array_contains(v.tags, " + where.param(tag) + ")");
            if (!each.isEmpty()) tagConditions.add(Where.and(each));
        });
        if (tags.has("is_null_") && tags.json().get("is_null_") != jakarta.json.JsonValue.NULL) {
            var isNull = tags.json().get("is_null_");
            if (isNull == jakarta.json.JsonValue.TRUE) tagConditions.add("array_length(v.tags) = 0");
            else if (isNull == jakarta.json.JsonValue.FALSE) tagConditions.add("array_length(v.tags) > 0");
            else throw InvalidInput.field("variables.tags.is_null_", "Input should be a valid boolean");
        }
        if (!tagConditions.isEmpty()) {
            parts.add("(" + String.join(" " + junction(tags) + " ", tagConditions) + ")");
        }
        if (!parts.isEmpty()) where.and("(" + String.join(" " + operator + " ", parts) + ")");
    }

    private static String junction(Body body) {
        String op = body.optionalString("operator").orElse("and_");
        return switch (op) {
            case "and_" -> "and";
            case "or_" -> "or";
            default -> throw InvalidInput.field("variables.operator", "Input should be 'and_' or 'or_'");
        };
    }

    List<Variable> page(EntityManager em, VariableSort sort, int offset, int limit) {
        return where.bind(em.createQuery("select v from Variable v" + where.clause() + " order by " + sort.jpql,
                Variable.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(EntityManager em) {
        return where.bind(em.createQuery("select count(v) from Variable v" + where.clause(), Long.class)).getSingleResult();
    }
}
