package dev.steward.blocks;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefect's BlockTypeFilter, BlockSchemaFilter and BlockDocumentFilter as JPQL conditions on one {@link Where}, over
 * the aliases {@code t} (BlockType), {@code s} (BlockSchema) and {@code d} (BlockDocument). A documents query takes
 * the type and schema filters as {@code exists} subqueries, as Prefect's does.
 */
final class BlockFilter {
    private BlockFilter() {}

    /** BlockTypeFilter: name {like_} (case-insensitive, anywhere), slug {any_}; over alias {@code t}. */
    static String types(Body filter, Where where, String alias) {
        filter.rejectUnknown(List.of("name", "slug"));
        List<String> parts = new ArrayList<>();
        Body name = filter.object("name");
        name.rejectUnknown(List.of("like_"));
        // Prefect passes like_ to ILIKE as it is, here as for documents: % and _ in it are wildcards
        name.optionalString("like_").filter(s -> !s.isEmpty()).ifPresent(like -> parts.add(
                "lower(" + alias + ".name) like " + where.param("%" + like.toLowerCase() + "%")));
        Body slug = filter.object("slug");
        slug.rejectUnknown(List.of("any_"));
        slug.optionalStrings("any_").ifPresent(any -> parts.add(where.in(alias + ".slug", any)));
        return Where.and(parts);
    }

    /** BlockSchemaFilter: operator, block_type_id {any_}, block_capabilities {all_}, id {any_}, version {any_}. */
    static String schemas(Body filter, Where where, String alias) {
        filter.rejectUnknown(List.of("operator", "block_type_id", "block_capabilities", "id", "version"));
        List<String> parts = new ArrayList<>();
        Body type = filter.object("block_type_id");
        type.rejectUnknown(List.of("any_"));
        type.optionalStrings("any_").ifPresent(any -> parts.add(where.in(alias + ".blockTypeId",
                Body.uuids(any, "block_schemas.block_type_id.any_"))));
        Body capabilities = filter.object("block_capabilities");
        capabilities.rejectUnknown(List.of("all_"));
        capabilities.optionalStrings("all_").filter(all -> !all.isEmpty()).ifPresent(all -> {
            List<String> each = new ArrayList<>();
            for (String c : all) each.add("array_contains(" + alias + ".capabilities, " + where.param(c) + ")");
            parts.add(Where.and(each));
        });
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(any -> parts.add(where.in(alias + ".id",
                Body.uuids(any, "block_schemas.id.any_"))));
        Body version = filter.object("version");
        version.rejectUnknown(List.of("any_"));
        version.optionalStrings("any_").ifPresent(any -> parts.add(where.in(alias + ".version", any)));
        return join(filter, parts);
    }

    /**
     * BlockDocumentFilter: operator, id {any_}, is_anonymous {eq_} (when the filter leaves it out: false, so that
     * anonymous documents are left out; an explicit null lifts that), block_type_id {any_}, name {any_, like_}.
     */
    static String documents(Body filter, Where where) {
        filter.rejectUnknown(List.of("operator", "id", "is_anonymous", "block_type_id", "name"));
        List<String> parts = new ArrayList<>();
        Body id = filter.object("id");
        id.rejectUnknown(List.of("any_"));
        id.optionalStrings("any_").ifPresent(any -> parts.add(where.in("d.id", Body.uuids(any, "block_documents.id.any_"))));
        if (!filter.has("is_anonymous")) {
            parts.add("d.anonymous = false");
        } else if (!filter.isExplicitNull("is_anonymous")) {
            Body anonymous = filter.object("is_anonymous");
            anonymous.rejectUnknown(List.of("eq_"));
            anonymous.optionalBoolean("eq_").ifPresent(eq -> parts.add("d.anonymous = " + where.param(eq)));
        }
        Body type = filter.object("block_type_id");
        type.rejectUnknown(List.of("any_"));
        type.optionalStrings("any_").ifPresent(any -> parts.add(where.in("d.blockTypeId",
                Body.uuids(any, "block_documents.block_type_id.any_"))));
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "like_"));
        name.optionalStrings("any_").ifPresent(any -> parts.add(where.in("d.name", any)));
        // Prefect passes like_ to ILIKE as it is: % and _ in it are wildcards
        name.optionalString("like_").filter(s -> !s.isEmpty()).ifPresent(like -> parts.add(
                "lower(d.name) like " + where.param("%" + like.toLowerCase() + "%")));
        return join(filter, parts);
    }

    /** The documents query's conditions: the document filter, and the type and schema filters as subqueries. */
    static Where forDocuments(Body documents, Body types, Body schemas) {
        Where where = new Where();
        where.and(documents(documents, where));
        if (!types.json().isEmpty()) {
            where.and("exists (select 1 from BlockType t where t.id = d.blockTypeId and " + types(types, where, "t") + ")");
        }
        if (!schemas.json().isEmpty()) {
            where.and("exists (select 1 from BlockSchema s where s.id = d.blockSchemaId and "
                    + schemas(schemas, where, "s") + ")");
        }
        return where;
    }

    private static String join(Body filter, List<String> parts) {
        String operator = filter.optionalString("operator").orElse("and_");
        return switch (operator) {
            case "and_" -> Where.and(parts);
            case "or_" -> parts.isEmpty() ? Where.TRUE : Where.or(parts);
            default -> throw InvalidInput.field(filter.location("operator"), "Input should be 'and_' or 'or_'");
        };
    }
}
