package dev.steward.artifacts;

import dev.steward.orchestration.RunFilters;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The body of Prefect's artifact reads as one JPQL condition over {@code a}: the {@code artifacts} filter (Prefect's
 * ArtifactFilter over versions, ArtifactCollectionFilter over the latest of each key: {@code latest_id} instead of
 * {@code id}) and the {@code flow_runs}, {@code task_runs}, {@code flows} and {@code deployments} filters, which
 * {@link RunFilters} writes as EXISTS on the artifact's runs, as Prefect does. Prefect's semantics:
 * <ul>
 * <li>criteria are joined by the filter's {@code operator} (and_ by default); a criterion that is present takes part,
 * even empty ({@code "key": {}} is TRUE, so under or_ it makes the filter TRUE); within one, its fields are and-ed;</li>
 * <li>{@code any_: []} matches nothing; an empty {@code not_any_} or {@code like_} is no condition;</li>
 * <li>{@code key.like_} matches anywhere in the key, case-insensitively, with SQL's {@code %} and {@code _} kept as
 * wildcards (Prefect documents them); {@code type.not_any_} leaves out artifacts without a type, as SQL's NOT IN
 * does under Prefect.</li>
 * </ul>
 */
final class ArtifactFilter {
    /** The fields of a filter body beside sort and paging. */
    static final List<String> FIELDS = List.of("artifacts", "flow_runs", "task_runs", "flows", "deployments");

    private final Where where = new Where();
    private final String entity;

    private ArtifactFilter(Body body, String entity, String idField, String idAttribute) {
        this.entity = entity;
        Body filter = body.object("artifacts");
        filter.rejectUnknown(List.of("operator", idField, "key", "flow_run_id", "task_run_id", "type"));
        boolean or = orOperator(filter);
        List<String> parts = new ArrayList<>();
        criterion(filter, parts, idField, List.of("any_"), (f, c) ->
                f.optionalUuids("any_").ifPresent(ids -> c.add(where.in("a." + idAttribute, ids))));
        criterion(filter, parts, "key", List.of("any_", "like_", "exists_"), (f, c) -> {
            f.optionalStrings("any_").ifPresent(keys -> c.add(where.in("a.key", keys)));
            f.optionalString("like_").filter(like -> !like.isEmpty())
                    .ifPresent(like -> c.add("lower(a.key) like " + where.param("%" + like.toLowerCase() + "%")));
            f.optionalBoolean("exists_").ifPresent(exists -> c.add(exists ? "a.key is not null" : "a.key is null"));
        });
        criterion(filter, parts, "flow_run_id", List.of("any_"), (f, c) ->
                f.optionalUuids("any_").ifPresent(ids -> c.add(where.in("a.flowRunId", ids))));
        criterion(filter, parts, "task_run_id", List.of("any_"), (f, c) ->
                f.optionalUuids("any_").ifPresent(ids -> c.add(where.in("a.taskRunId", ids))));
        criterion(filter, parts, "type", List.of("any_", "not_any_"), (f, c) -> {
            f.optionalStrings("any_").ifPresent(types -> c.add(where.in("a.type", types)));
            f.optionalStrings("not_any_").filter(types -> !types.isEmpty())
                    .ifPresent(types -> c.add("a.type not in " + where.param(types)));
        });
        if (!parts.isEmpty()) where.and(or ? Where.or(parts) : Where.and(parts));
        String runs = new RunFilters(where).ofArtifacts(body, "a");
        if (!runs.equals(Where.TRUE)) where.and(runs);
    }

    /** Prefect's ArtifactFilter over the versions ({@code Artifact a}). */
    static ArtifactFilter versions(Body body) {
        return new ArtifactFilter(body, "Artifact", "id", "id");
    }

    /** Prefect's ArtifactCollectionFilter over the latest version of each key ({@code ArtifactCollection a}). */
    static ArtifactFilter latest(Body body) {
        return new ArtifactFilter(body, "ArtifactCollection", "latest_id", "latestId");
    }

    <T> List<T> page(EntityManager em, Class<T> type, ArtifactSort sort, int offset, int limit) {
        return where.bind(em.createQuery("select a from " + entity + " a" + where.clause() + " order by " + sort.jpql, type))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    long count(EntityManager em) {
        return where.bind(em.createQuery("select count(a) from " + entity + " a" + where.clause(), Long.class))
                .getSingleResult();
    }

    /**
     * A criterion of the filter, when present (absent or null: none): its fields checked, its conditions (written by
     * {@code conditions}) and-ed into one part, TRUE when it has none.
     */
    private static void criterion(Body filter, List<String> parts, String field, List<String> fields,
                                  BiConsumer<Body, List<String>> conditions) {
        if (!filter.has(field) || filter.isExplicitNull(field)) return;
        Body criterion = filter.object(field);
        criterion.rejectUnknown(fields);
        List<String> each = new ArrayList<>();
        conditions.accept(criterion, each);
        parts.add(Where.and(each));
    }

    private static boolean orOperator(Body filter) {
        return switch (filter.optionalString("operator").orElse("and_")) {
            case "and_" -> false;
            case "or_" -> true;
            default -> throw InvalidInput.field(filter.location("operator"), "Input should be 'and_' or 'or_'");
        };
    }
}
