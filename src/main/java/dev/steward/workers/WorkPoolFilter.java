package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prefect's WorkPoolFilter (id, name, type: each {any_}) and WorkQueueFilter (id {any_}, name {any_, startswith_}) as
 * JPQL on {@link Where}; the parts are joined by the filter's operator (and_ or or_). Public for the console's
 * pickers, which list pools and queues through the same services as the REST API.
 */
public final class WorkPoolFilter {
    private final Where where = new Where();
    private final List<String> parts = new ArrayList<>();
    private final String alias;
    private final boolean or;

    private WorkPoolFilter(Body filter, String alias) {
        this.alias = alias;
        this.or = switch (filter.optionalString("operator").orElse("and_")) {
            case "and_" -> false;
            case "or_" -> true;
            default -> throw InvalidInput.field(filter.location("operator"), "Input should be 'and_' or 'or_'");
        };
    }

    /** A pool filter over {@code WorkPool p}. */
    public static WorkPoolFilter pools(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name", "type"));
        WorkPoolFilter f = new WorkPoolFilter(filter, "p");
        f.any(filter, "id", true);
        f.any(filter, "name", false);
        f.any(filter, "type", false);
        return f.joined();
    }

    /** A queue filter over {@code WorkQueue q}. */
    public static WorkPoolFilter queues(Body filter) {
        filter.rejectUnknown(List.of("operator", "id", "name"));
        WorkPoolFilter f = new WorkPoolFilter(filter, "q");
        f.any(filter, "id", true);
        Body name = filter.object("name");
        name.rejectUnknown(List.of("any_", "startswith_"));
        name.optionalStrings("any_").ifPresent(names -> f.parts.add(f.where.in("q.name", names)));
        name.optionalStrings("startswith_").ifPresent(prefixes -> {
            // LIKE's wildcards taken literally: Prefect's ILIKE has them unescaped, which a prefix filter never means
            List<String> each = new ArrayList<>();
            for (String prefix : prefixes) {
                each.add("lower(q.name) like "
                        + f.where.param(Where.likeLiteral(prefix.toLowerCase(Locale.ROOT)) + "%") + " escape '\\'");
            }
            f.parts.add(Where.or(each));
        });
        return f.joined();
    }

    /** Conditions of the filter, to which a caller may add its own. */
    Where where() {
        return where;
    }

    /** {@code field {any_}}; an empty list matches nothing, as SQL's IN () does in Prefect. */
    private void any(Body filter, String field, boolean uuids) {
        Body part = filter.object(field);
        part.rejectUnknown(List.of("any_"));
        part.optionalStrings("any_").ifPresent(values -> parts.add(where.in(alias + "." + field,
                uuids ? Body.uuids(values, part.location("any_")) : values)));
    }

    /** The parts as one condition, joined by the filter's operator. */
    private WorkPoolFilter joined() {
        if (!parts.isEmpty()) where.and(or ? Where.or(parts) : Where.and(parts));
        return this;
    }
}
