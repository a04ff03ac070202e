package dev.steward.platform;

import jakarta.persistence.Query;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way to build a filter: conditions over JPQL or SQL, each value bound as a named parameter ({@code :p1},
 * {@code :p2}, ...), never written into the text. Conditions of subqueries and nested groups take their parameters
 * from the same Where ({@link #param}), so one {@link #bind} binds them all. For plain JDBC, {@link #positional}
 * turns the names into {@code ?} with the values in order.
 *
 * <p>Written here rather than taken from jOOQ or Criteria: Prefect's filters are a few dozen conditions over JPQL
 * and SQL that the stores already write as text; a typed query DSL would add a dependency and a second way to write
 * each query, for no check these tests do not already make.
 */
public final class Where {
    public static final String TRUE = "1 = 1";
    public static final String FALSE = "1 = 0";
    private static final Pattern PARAMETER = Pattern.compile("(?<!:):(p\\d+)\\b");

    private final Map<String, Object> params = new LinkedHashMap<>();
    private final List<String> conditions = new ArrayList<>();

    /** A reference to {@code value} as a new parameter, to write into a condition. */
    public String param(Object value) {
        String name = "p" + (params.size() + 1);
        params.put(name, value);
        return ":" + name;
    }

    /** {@code column in (values)}; an empty list matches nothing, as Prefect's {@code any_: []} does. */
    public String in(String column, Collection<?> values) {
        return values.isEmpty() ? FALSE : column + " in " + param(values);
    }

    /** Adds a condition that every row must meet. */
    public Where and(String condition) {
        conditions.add(condition);
        return this;
    }

    /** The conditions added with {@link #and}, joined by {@code operator} ("and" or "or"); TRUE when none. */
    public String joined(String operator) {
        return conditions.isEmpty() ? TRUE : "(" + String.join(" " + operator + " ", conditions) + ")";
    }

    /** {@code " where ..."} with the conditions joined by and, or nothing when there are none. */
    public String clause() {
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    /** Binds every parameter made so far to a JPQL or native query. */
    public <Q extends Query> Q bind(Q query) {
        params.forEach(query::setParameter);
        return query;
    }

    /** The named parameters made so far. */
    public Map<String, Object> params() {
        return params;
    }

    /** A text written with this Where's parameters, for JDBC: {@code ?} in their place and the values in order. */
    public Positional positional(String text) {
        List<Object> values = new ArrayList<>();
        Matcher m = PARAMETER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            values.add(params.get(m.group(1)));
            m.appendReplacement(out, "?");
        }
        m.appendTail(out);
        return new Positional(out.toString(), values);
    }

    /** SQL with {@code ?} placeholders and their values in order. */
    public record Positional(String sql, List<Object> values) {}

    /** {@code text} with LIKE's wildcards taken literally, for a pattern written with {@code escape '\\'}. */
    public static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Conditions joined by and; TRUE when there are none. */
    public static String and(List<String> conditions) {
        return join(conditions, "and");
    }

    /** Conditions joined by or; FALSE when there are none. */
    public static String or(List<String> conditions) {
        return conditions.isEmpty() ? FALSE : join(conditions, "or");
    }

    private static String join(List<String> conditions, String operator) {
        if (conditions.isEmpty()) return TRUE;
        if (conditions.size() == 1) return conditions.get(0);
        return "(" + String.join(" " + operator + " ", conditions) + ")";
    }
}
