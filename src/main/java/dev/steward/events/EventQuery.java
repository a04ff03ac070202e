package dev.steward.events;

import dev.steward.events.EventCriteria.Glob;
import dev.steward.events.EventCriteria.ResourceMatch;
import dev.steward.events.EventCriteria.TextSearch;
import dev.steward.platform.Json;
import dev.steward.platform.Where;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@link EventCriteria} as JPQL, on {@link Where}, over the workspace's stored events (Hibernate adds the workspace to
 * every entity of the query, subqueries included). Related resources are the jsonb array {@code related} of each
 * event: a related or any_resource filter is an EXISTS over its elements, written in SQL (Hibernate's {@code sql()};
 * every value is a parameter), and a filter naming related ids first asks the GIN index {@code event_related} for the
 * events whose {@code related} contains one of them ({@code @>}), so that only those are looked into.
 */
public final class EventQuery {
    private final EventCriteria criteria;
    private final Where where;
    /** For {@code distinct}: the same conditions over the inner query's events. */
    private final Where distinctWhere;

    public EventQuery(EventCriteria c) {
        this.criteria = c;
        this.where = new Conditions("e").build(c);
        this.distinctWhere = c.distinct ? new Conditions("d").build(c) : null;
    }

    private static final class Conditions {
        private final String a;
        private final Where where = new Where();

        Conditions(String alias) {
            this.a = alias;
        }

        Where build(EventCriteria c) {
            where.and(a + ".occurred >= " + where.param(c.since));
            where.and(a + ".occurred <= " + where.param(c.until));
            if (!c.names.isEmpty()) where.and(a + ".name in " + where.param(c.names));
            if (!c.excludeNames.isEmpty()) where.and(a + ".name not in " + where.param(c.excludeNames));
            if (!c.prefixes.isEmpty()) {
                where.and(anyLike(a + ".name", c.prefixes.stream().map(EventQuery::likePrefix).toList()));
            }
            for (String prefix : c.excludePrefixes) {
                where.and("not (" + a + ".name like " + where.param(likePrefix(prefix)) + " escape '\\')");
            }
            if (c.resource != null) where.and(resource(c.resource));
            c.related.forEach(m -> where.and(resource(m)));
            c.anyResource.forEach(m -> where.and(resource(m)));
            if (!c.ids.isEmpty()) where.and(a + ".id in " + where.param(c.ids));
            if (c.text != null && !c.text.isEmpty()) where.and(text(c.text));
            return where;
        }

        /** The primary resource, a related one, or either, as the match asks. */
        private String resource(ResourceMatch m) {
            List<String> branches = new ArrayList<>();
            if (m.primary()) branches.add(primary(m));
            if (m.related()) branches.add(related(m));
            return "(" + String.join(" or ", branches) + ")";
        }

        /** The match on the event's own resource, whose role is the empty one. */
        private String primary(ResourceMatch m) {
            String id = a + ".resourceId";
            List<String> all = new ArrayList<>();
            if (!m.ids().isEmpty()) all.add(id + " in " + where.param(m.ids()));
            if (!m.idPrefixes().isEmpty()) all.add(anyLike(id, m.idPrefixes().stream().map(EventQuery::likePrefix).toList()));
            if (m.roleSets().stream().anyMatch(roles -> !roles.contains(""))) all.add("1 = 0");
            if (!m.pairs().isEmpty()) {
                List<String> inRole = m.pairs().stream().filter(p -> p.get(1).isEmpty()).map(p -> p.get(0)).toList();
                all.add(inRole.isEmpty() ? "1 = 0" : id + " in " + where.param(inRole));
            }
            if (!m.idGlobs().isEmpty()) all.add(anyGlob(id, m.idGlobs()));
            m.labels().forEach((label, globs) -> all.add(globs.isEmpty() ? "1 = 0"
                    : anyGlob("cast(function('jsonb_extract_path_text', " + a + ".resource, " + where.param(label) + ") as String)", globs)));
            if (m.needsRole()) all.add("1 = 0");
            return all.isEmpty() ? "1 = 1" : "(" + String.join(" and ", all) + ")";
        }

        /** Some element of the event's related resources matches: EXISTS over the jsonb array, in SQL. */
        private String related(ResourceMatch m) {
            Sql sql = new Sql("exists (select 1 from jsonb_array_elements(?) r where true", a + ".related");
            String id = "(r ->> 'prefect.resource.id')";
            String role = "(r ->> 'prefect.resource.role')";
            if (!m.ids().isEmpty()) sql.add(" and " + id + " = any(?)", where.param(m.ids().toArray(String[]::new)));
            if (!m.idPrefixes().isEmpty()) {
                List<String> likes = new ArrayList<>();
                for (String prefix : m.idPrefixes()) {
                    likes.add(id + " like ? escape '\\'");
                    sql.args.add(where.param(likePrefix(prefix)));
                }
                sql.text.append(" and (").append(String.join(" or ", likes)).append(")");
            }
            for (List<String> roles : m.roleSets()) sql.add(" and " + role + " = any(?)", where.param(roles.toArray(String[]::new)));
            if (!m.pairs().isEmpty()) {
                List<String> pairs = new ArrayList<>();
                for (List<String> pair : m.pairs()) {
                    pairs.add("(" + id + " = ? and " + role + " = ?)");
                    sql.args.add(where.param(pair.get(0)));
                    sql.args.add(where.param(pair.get(1)));
                }
                sql.text.append(" and (").append(String.join(" or ", pairs)).append(")");
            }
            if (!m.idGlobs().isEmpty()) sql.text.append(" and ").append(globs(sql, id, m.idGlobs()));
            m.labels().forEach((label, globs) -> {
                if (globs.isEmpty()) {
                    sql.text.append(" and false");
                } else {
                    List<String> each = new ArrayList<>();
                    for (Glob g : globs) {
                        each.add((g.negated() ? "not (" : "(") + "(r ->> ?) like ? escape '\\')");
                        sql.args.add(where.param(label));
                        sql.args.add(where.param(g.like()));
                    }
                    sql.text.append(" and (").append(String.join(" or ", each)).append(")");
                }
            });
            if (m.needsRole()) sql.text.append(" and ").append(role).append(" <> ''");
            sql.text.append(")");
            String exists = sql.predicate();
            String indexed = indexed(m);
            return indexed == null ? exists : "(" + indexed + " and " + exists + ")";
        }

        /**
         * A condition the GIN index event_related answers, implied by the match: related contains an element with one
         * of the ids (or id-role pairs, or exact ids of the labels). Null when the match names none.
         */
        private String indexed(ResourceMatch m) {
            List<String> contained = new ArrayList<>();
            if (!m.ids().isEmpty()) {
                m.ids().forEach(id -> contained.add(element(id, null)));
            } else if (!m.pairs().isEmpty()) {
                m.pairs().forEach(p -> contained.add(element(p.get(0), p.get(1))));
            } else if (!m.idGlobs().isEmpty() && m.idGlobs().stream().allMatch(Glob::exact)) {
                m.idGlobs().forEach(g -> contained.add(element(g.like(), null)));
            }
            if (contained.isEmpty()) return null;
            Sql sql = new Sql("(", null);
            for (int i = 0; i < contained.size(); i++) {
                sql.text.append(i == 0 ? "" : " or ").append("? @> cast(? as jsonb)");
                sql.args.add(a + ".related");
                sql.args.add(where.param(contained.get(i)));
            }
            sql.text.append(")");
            return sql.predicate();
        }

        /** {@code [{"prefect.resource.id": id, "prefect.resource.role": role}]}, the role left out when null. */
        private static String element(String id, String role) {
            var element = Json.createObjectBuilder().add("prefect.resource.id", id);
            if (role != null) element.add("prefect.resource.role", role);
            return Json.createArrayBuilder().add(element).build().toString();
        }

        /** Prefect's text search over the event's name, resource, related resources and payload, lower-cased. */
        private String text(TextSearch search) {
            Sql sql = new Sql("exists (select 1 from (select lower(concat(?, ' ', cast(? as text), ' ', cast(? as text), ' ', "
                    + "cast(? as text))) as t) s where true", a + ".name");
            sql.args.add(a + ".resource");
            sql.args.add(a + ".related");
            sql.args.add(a + ".payload");
            if (!search.include().isEmpty()) {
                List<String> any = new ArrayList<>();
                for (String term : search.include()) any.add(contains(sql, term));
                sql.text.append(" and (").append(String.join(" or ", any)).append(")");
            }
            for (String term : search.exclude()) sql.text.append(" and not ").append(contains(sql, term));
            for (String term : search.required()) sql.text.append(" and ").append(contains(sql, term));
            sql.text.append(")");
            return sql.predicate();
        }

        private String contains(Sql sql, String term) {
            sql.args.add(where.param("%" + Where.likeLiteral(term) + "%"));
            return "(s.t like lower(?) escape '\\')";
        }

        private String globs(Sql sql, String value, List<Glob> globs) {
            List<String> each = new ArrayList<>();
            for (Glob g : globs) {
                each.add((g.negated() ? "not (" : "(") + value + " like ? escape '\\')");
                sql.args.add(where.param(g.like()));
            }
            return "(" + String.join(" or ", each) + ")";
        }

        private String anyGlob(String value, List<Glob> globs) {
            List<String> each = new ArrayList<>();
            for (Glob g : globs) {
                String like = value + " like " + where.param(g.like()) + " escape '\\'";
                each.add(g.negated() ? "not (" + like + ")" : like);
            }
            return "(" + String.join(" or ", each) + ")";
        }

        private String anyLike(String field, List<String> patterns) {
            List<String> each = new ArrayList<>();
            for (String p : patterns) each.add(field + " like " + where.param(p) + " escape '\\'");
            return "(" + String.join(" or ", each) + ")";
        }

    }

    /** A fragment of SQL for Hibernate's {@code sql()}: its text with a ? per argument, the arguments in JPQL. */
    private static final class Sql {
        final StringBuilder text;
        final List<String> args = new ArrayList<>();

        Sql(String text, String firstArg) {
            this.text = new StringBuilder(text);
            if (firstArg != null) args.add(firstArg);
        }

        void add(String fragment, String arg) {
            text.append(fragment);
            args.add(arg);
        }

        /** As a predicate: JPQL cannot take sql() as one, and PostgreSQL folds the cast and "= true" away. */
        String predicate() {
            return "cast(sql('" + text.toString().replace("'", "''") + "', " + String.join(", ", args) + ") as Boolean) = true";
        }
    }

    private static String likePrefix(String prefix) {
        return Where.likeLiteral(prefix) + "%";
    }

    public List<StoredEvent> page(EntityManager em, int offset, int limit) {
        return ordered(em).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /**
     * The first {@code limit} matching events in order, read through a cursor as the stream is consumed: each is
     * detached once it is written out, so a long read holds a fetch of them at a time. Close the stream, inside the
     * transaction that opened it.
     */
    public Stream<JsonObject> stream(EntityManager em, int limit) {
        return ordered(em).setMaxResults(limit).setHint("org.hibernate.fetchSize", 500).getResultStream().map(e -> {
            JsonObject json = EventJson.of(e);
            em.detach(e);
            return json;
        });
    }

    private TypedQuery<StoredEvent> ordered(EntityManager em) {
        String direction = criteria.ascending ? "asc" : "desc";
        // distinct: each resource's first event in the requested order, as Prefect's row_number() window picks it
        String filter = distinctWhere == null ? where.joined("and") : "e.id in (select t.id from (select d.id as id, "
                + "row_number() over (partition by d.resourceId order by d.occurred " + direction + ", d.id " + direction
                + ") as rn from StoredEvent d where " + distinctWhere.joined("and") + ") t where t.rn = 1)";
        return (distinctWhere == null ? where : distinctWhere).bind(em.createQuery(
                "select e from StoredEvent e where " + filter + " order by e.occurred " + direction + ", e.id "
                        + direction, StoredEvent.class));
    }

    /**
     * The matching events grouped by two JPQL expressions over {@code e} (value and label), with {@code extra}
     * parameters those expressions use: rows of (value, label, count, oldest occurred, newest occurred).
     */
    public List<Object[]> groups(EntityManager em, String value, String label, Map<String, Object> extra) {
        var q = em.createQuery("select t.value, t.label, count(*), min(t.occurred), max(t.occurred) from (select "
                + value + " as value, " + label + " as label, e.occurred as occurred from StoredEvent e where "
                + where.joined("and") + ") t group by t.value, t.label", Object[].class);
        where.bind(q);
        extra.forEach(q::setParameter);
        return q.getResultList();
    }

    /** The matching events, or with {@code distinct} the resources they are about, as Prefect counts them. */
    public long count(EntityManager em) {
        String counted = criteria.distinct ? "count(distinct e.resourceId)" : "count(e)";
        return where.bind(em.createQuery("select " + counted + " from StoredEvent e where " + where.joined("and"),
                Long.class)).getSingleResult();
    }
}
