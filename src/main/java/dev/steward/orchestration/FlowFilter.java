package dev.steward.orchestration;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefect's FlowFilter as JPQL: id {any_}, name {any_, like_}, tags {all_, any_, is_null_}, joined by the filter's
 * operator. Filters on other objects in the same request (flow_runs, task_runs, deployments, work_pools) are not
 * supported yet and answered with a 422 when present.
 */
final class FlowFilter {
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final String operator;

    FlowFilter(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "tags"));
        operator = junction(filter, "flows.operator");
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(ids -> add("f.id in :ids", "ids", Body.uuids(ids, "flows.id.any_")));
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "like_"));
        name.optionalStrings("any_").ifPresent(names -> add("f.name in :names", "names", names));
        name.optionalString("like_").ifPresent(like -> add("lower(f.name) like :like", "like", "%" + like.toLowerCase() + "%"));
        Body tags = filter.object("tags");
        tags.rejectUnknown(List.of("operator", "all_", "any_", "is_null_"));
        List<String> tagConditions = new ArrayList<>();
        tags.optionalStrings("all_").ifPresent(all -> tagConditions.add(each(all, "tall", " and ")));
        tags.optionalStrings("any_").ifPresent(any -> tagConditions.add(each(any, "tany", " or ")));
        JsonValue isNull = tags.json().get("is_null_");
        if (isNull == JsonValue.TRUE) tagConditions.add("array_length(f.tags) = 0");
        else if (isNull == JsonValue.FALSE) tagConditions.add("array_length(f.tags) > 0");
        else if (isNull != null && isNull != JsonValue.NULL) throw ApiException.invalid("flows.tags.is_null_", "Input should be a valid boolean");
        tagConditions.removeIf(String::isEmpty);
        if (!tagConditions.isEmpty()) {
            conditions.add("(" + String.join(" " + junction(tags, "flows.tags.operator") + " ", tagConditions) + ")");
        }
    }

    private String each(List<String> tags, String prefix, String joiner) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            parts.add("array_contains(f.tags, :" + prefix + i + ")");
            params.put(prefix + i, tags.get(i));
        }
        return parts.isEmpty() ? "" : "(" + String.join(joiner, parts) + ")";
    }

    private static String junction(Body body, String at) {
        String op = body.optionalString("operator").orElse("and_");
        return switch (op) {
            case "and_" -> "and";
            case "or_" -> "or";
            default -> throw ApiException.invalid(at, "Input should be 'and_' or 'or_'");
        };
    }

    private void add(String condition, String name, Object value) {
        conditions.add(condition);
        params.put(name, value);
    }


    private String where() {
        return conditions.isEmpty() ? "" : " where " + String.join(" " + operator + " ", conditions);
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
