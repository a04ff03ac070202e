package dev.steward.automations;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefect's AutomationFilter as JPQL: id {any_}, name {any_}, created {before_}, tags {all_, any_, is_null_},
 * joined by the filter's operator (and_ or or_).
 */
final class AutomationFilter {
    private final Where where = new Where();

    AutomationFilter(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "created", "tags"));
        List<String> parts = new ArrayList<>();
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(ids ->
                parts.add("a.id in " + where.param(Body.uuids(ids, "automations.id.any_"))));
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_"));
        name.optionalStrings("any_").ifPresent(names -> parts.add("a.name in " + where.param(names)));
        Body created = filter.object("created");
        created.rejectUnknown(List.of("before_"));
        created.optionalInstant("before_").ifPresent(before -> parts.add("a.created <= " + where.param(before)));
        Body tags = filter.object("tags");
        tags.rejectUnknown(List.of("operator", "all_", "any_", "is_null_"));
        List<String> tagConditions = new ArrayList<>();
        tags.optionalStrings("all_").ifPresent(all -> {
            List<String> each = new ArrayList<>();
            for (String tag : all) each.add("array_contains(a.tags, " + where.param(tag) + ")");
            if (!each.isEmpty()) tagConditions.add(Where.and(each));
        });
        tags.optionalStrings("any_").ifPresent(any -> {
            List<String> each = new ArrayList<>();
            for (String tag : any) each.add("array_contains(a.tags, " + where.param(tag) + ")");
            tagConditions.add(each.isEmpty() ? Where.FALSE : Where.or(each));
        });
        JsonValue isNull = tags.json().get("is_null_");
        if (isNull == JsonValue.TRUE) tagConditions.add("array_length(a.tags) = 0");
        else if (isNull == JsonValue.FALSE) tagConditions.add("array_length(a.tags) > 0");
        else if (isNull != null && isNull != JsonValue.NULL) {
            throw InvalidInput.field("automations.tags.is_null_", "Input should be a valid boolean");
        }
        if (!tagConditions.isEmpty()) parts.add("(" + String.join(" " + junction(tags) + " ", tagConditions) + ")");
        if (!parts.isEmpty()) where.and("(" + String.join(" " + junction(filter) + " ", parts) + ")");
    }

    private static String junction(Body body) {
        return switch (body.optionalString("operator").orElse("and_")) {
            case "and_" -> "and";
            case "or_" -> "or";
            default -> throw InvalidInput.field("automations.operator", "Input should be 'and_' or 'or_'");
        };
    }

    List<Automation> page(EntityManager em, AutomationSort sort, int offset, Integer limit) {
        var query = where.bind(em.createQuery("select a from Automation a" + where.clause() + " order by " + sort.jpql,
                Automation.class)).setFirstResult(offset);
        if (limit != null) query.setMaxResults(limit);
        return query.getResultList();
    }

    long count(EntityManager em) {
        return where.bind(em.createQuery("select count(a) from Automation a" + where.clause(), Long.class))
                .getSingleResult();
    }
}
