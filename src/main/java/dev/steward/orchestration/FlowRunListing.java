package dev.steward.orchestration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The run history of the current workspace as the console's flow runs page reads it: a page of runs newest first,
 * the runs counted per time bucket and state, and the flows and deployments to filter by. Plain SQL over the columns
 * derived from the run documents ({@link RunRows}), every statement with the workspace first, so that the index
 * {@code flow_run_page} (changeset 012) finds a page of runs, filtered or at a deep offset, without reading the table.
 * The counts are exact; over whole hours they come from the counts per hour that {@link FlowRunCounts} keeps, so that
 * they do not grow with the history (see the README's benchmark).
 */
@ApplicationScoped
public class FlowRunListing {
    /** The console's filters; null or empty parts do not filter. {@code to} is exclusive. */
    public record Search(Set<String> states, UUID flowId, UUID deploymentId, String tag, String name, Instant from,
                         Instant to) {
        public Search withoutStates() {
            return new Search(Set.of(), flowId, deploymentId, tag, name, from, to);
        }
    }

    /** A run as a row of the page. */
    public record Row(UUID id, String name, String flow, String deployment, String stateType, String stateName,
                      Instant expectedStart, Instant start, Instant end, List<String> tags) {}

    /** A flow or deployment to filter by. */
    public record Choice(UUID id, String name) {}

    /** Runs counted per bucket of {@code bucketSeconds} from {@code from} and per state type. */
    public record Bucket(int index, String stateType, long count) {}

    /** The first and last expected start of the workspace's runs (both null when it has none). */
    public record Span(Instant first, Instant last) {}

    private static final long HOUR = 3600;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A page of the runs the search finds, newest expected start first (ties by id, so pages do not overlap). */
    @Transactional
    public List<Row> page(Search search, int offset, int limit) {
        return RunRows.with(em, (c, ws) -> {
            Where where = Where.of(ws, search);
            // the page's ids come from the index alone (an offset of thousands skips index entries, not rows); only
            // the page's own rows are read from the table, with their flow and deployment names
            String sql = "with p as materialized (select id from flow_run where " + where.sql
                    + " order by expected_start_time desc, id offset ? limit ?) "
                    + "select r.id, r.name, f.name, d.name, r.state_type, r.state_name, r.expected_start_time, "
                    + "r.start_time, r.end_time, r.tags from p join flow_run r on r.id = p.id and r.workspace_id = ? "
                    + "left join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id "
                    + "left join deployment d on d.id = r.deployment_id and d.workspace_id = r.workspace_id "
                    + "order by r.expected_start_time desc, r.id";
            List<Object> params = new ArrayList<>(where.params);
            params.add(offset);
            params.add(limit);
            params.add(ws);
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement select = prepare(c, sql, params); ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), instant(rs, 7), instant(rs, 8), instant(rs, 9),
                            List.of((String[]) rs.getArray(10).getArray())));
                }
            }
            return rows;
        });
    }

    /**
     * The runs the search finds counted per state type and per bucket of {@code bucketSeconds} starting at
     * {@code origin}, by expected start: one GROUP BY gives both the counts per state (the sums) and the chart. Buckets
     * of whole hours are summed from the counts per hour (changeset 013, {@link FlowRunCounts}) when the search has
     * no name, nor a tag together with a flow or deployment, with the runs of the partial hours at the ends of its
     * time range counted one by one; otherwise from the runs.
     */
    @Transactional
    public List<Bucket> buckets(Search search, Instant origin, long bucketSeconds) {
        return RunRows.with(em, (c, ws) -> bucketsOf(c, hourly(ws, search, origin, bucketSeconds)
                .orElseGet(() -> runs(ws, search)), origin, bucketSeconds));
    }

    /** The same from the runs alone: what {@link #buckets} must always equal (its test compares them). */
    List<Bucket> bucketsFromRuns(Search search, Instant origin, long bucketSeconds) {
        return RunRows.with(em, (c, ws) -> bucketsOf(c, runs(ws, search), origin, bucketSeconds));
    }

    /** A query of rows (at, state, runs) to count: at an instant (null: no expected start), so many runs. */
    private record Counted(String sql, List<Object> params) {}

    private static List<Bucket> bucketsOf(Connection c, Counted counted, Instant origin, long bucketSeconds)
            throws SQLException {
        // date_part is a double: extract() would do the division in numeric, a third slower over a million rows
        String sql = "select floor(date_part('epoch', at - ?::timestamptz) / ?)::int, state, sum(runs) from ("
                + counted.sql + ") counted group by 1, 2 having sum(runs) <> 0";
        List<Object> params = new ArrayList<>();
        params.add(at(origin));
        params.add(bucketSeconds);
        params.addAll(counted.params);
        List<Bucket> out = new ArrayList<>();
        try (PreparedStatement select = prepare(c, sql, params); ResultSet rs = select.executeQuery()) {
            while (rs.next()) out.add(new Bucket(rs.getInt(1), rs.getString(2), rs.getLong(3)));
        }
        return out;
    }

    private static Counted runs(UUID ws, Search search) {
        Where where = Where.of(ws, search);
        return new Counted("select expected_start_time as at, coalesce(state_type, 'NONE') as state, 1 as runs "
                + "from flow_run where " + where.sql, where.params);
    }

    /**
     * From the counts per hour, when the search and the buckets allow: the whole hours of its range from the count
     * table (per flow and deployment, or per tag, when it filters by one) plus the changes not yet folded into it,
     * and the runs of the partial hours at the ends (and, with no time range, the runs without an expected start)
     * one by one.
     */
    private static Optional<Counted> hourly(UUID ws, Search search, Instant origin, long bucketSeconds) {
        String tag = search.tag() == null || search.tag().isBlank() ? null : search.tag().strip();
        boolean byFlow = search.flowId() != null || search.deploymentId() != null;
        // a name, or a tag with a flow or deployment, has no counts of its own
        boolean byRunsOnly = (search.name() != null && !search.name().isBlank()) || (tag != null && byFlow);
        if (byRunsOnly || bucketSeconds % HOUR != 0 || origin.getEpochSecond() % HOUR != 0) return Optional.empty();
        Instant firstHour = search.from() == null ? null : ceilHour(search.from());
        Instant endHour = search.to() == null ? null : floorHour(search.to());
        // within one hour, the runs are few and counted one by one
        if (firstHour != null && endHour != null && !firstHour.isBefore(endHour)) return Optional.empty();

        String table = byFlow ? "flow_run_count_by_flow" : tag != null ? "flow_run_count_by_tag" : "flow_run_count";
        Where counts = countFilter(ws, search, firstHour, endHour);
        if (tag != null) counts.and("tag = ?", tag);
        Where changes = countFilter(ws, search, firstHour, endHour);
        if (tag != null) changes.and("tag = ?", tag);
        else changes.and("tag is null");
        StringBuilder sql = new StringBuilder("select hour as at, state_type as state, runs from ").append(table)
                .append(" where ").append(counts.sql)
                .append(" union all select hour, state_type, runs from flow_run_count_change where ")
                .append(changes.sql);
        List<Object> params = new ArrayList<>(counts.params);
        params.addAll(changes.params);

        List<String> ends = new ArrayList<>();
        List<Object> endParams = new ArrayList<>();
        if (firstHour != null && search.from().isBefore(firstHour)) {
            ends.add("(expected_start_time >= ? and expected_start_time < ?)");
            endParams.addAll(List.of(at(search.from()), at(firstHour)));
        }
        if (endHour != null && endHour.isBefore(search.to())) {
            ends.add("(expected_start_time >= ? and expected_start_time < ?)");
            endParams.addAll(List.of(at(endHour), at(search.to())));
        }
        if (search.from() == null && search.to() == null) ends.add("expected_start_time is null");
        if (!ends.isEmpty()) {
            Where where = Where.of(ws, new Search(search.states(), search.flowId(), search.deploymentId(), tag, null,
                    null, null)).and("(" + String.join(" or ", ends) + ")", endParams.toArray());
            sql.append(" union all select expected_start_time, coalesce(state_type, 'NONE'), 1 from flow_run where ")
                    .append(where.sql);
            params.addAll(where.params);
        }
        return Optional.of(new Counted(sql.toString(), params));
    }

    /** The search's states, flow, deployment and whole hours on a count table's columns. */
    private static Where countFilter(UUID ws, Search search, Instant firstHour, Instant endHour) {
        Where where = new Where(ws).statesFlowDeployment(search, "deployment_key");
        if (firstHour != null) where.and("hour >= ?", at(firstHour));
        if (endHour != null) where.and("hour < ?", at(endHour));
        return where;
    }

    private static Instant floorHour(Instant t) {
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), HOUR) * HOUR);
    }

    private static Instant ceilHour(Instant t) {
        Instant floor = floorHour(t);
        return floor.equals(t) ? t : floor.plusSeconds(HOUR);
    }

    /** The first and last expected start in the workspace: the chart's range when the search has none. */
    @Transactional
    public Span span() {
        return RunRows.with(em, (c, ws) -> {
            try (PreparedStatement select = prepare(c, "select min(expected_start_time), max(expected_start_time) "
                    + "from flow_run where workspace_id = ?", List.of(ws)); ResultSet rs = select.executeQuery()) {
                rs.next();
                return new Span(instant(rs, 1), instant(rs, 2));
            }
        });
    }

    /** Flows whose name contains the text (case-insensitive), by name. */
    @Transactional
    public List<Choice> flows(String text, int offset, int limit) {
        return choices("select id, name from flow where workspace_id = ? and name ilike ? escape '\\' "
                + "order by name, id offset ? limit ?", text, offset, limit);
    }

    /** Deployments whose "flow/deployment" name contains the text (case-insensitive), by that name. */
    @Transactional
    public List<Choice> deployments(String text, int offset, int limit) {
        return choices("select * from (select d.id, f.name || '/' || d.name as name from deployment d "
                + "join flow f on f.id = d.flow_id and f.workspace_id = d.workspace_id where d.workspace_id = ?) t "
                + "where name ilike ? escape '\\' order by name, id offset ? limit ?", text, offset, limit);
    }

    @Transactional
    public Optional<Choice> flow(UUID id) {
        return choice("select id, name from flow where workspace_id = ? and id = ?", id);
    }

    @Transactional
    public Optional<Choice> deployment(UUID id) {
        return choice("select d.id, f.name || '/' || d.name from deployment d join flow f on f.id = d.flow_id "
                + "and f.workspace_id = d.workspace_id where d.workspace_id = ? and d.id = ?", id);
    }

    private List<Choice> choices(String sql, String text, int offset, int limit) {
        return RunRows.with(em, (c, ws) -> {
            List<Choice> out = new ArrayList<>();
            try (PreparedStatement select = prepare(c, sql, List.of(ws, contains(text), offset, limit));
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) out.add(new Choice(rs.getObject(1, UUID.class), rs.getString(2)));
            }
            return out;
        });
    }

    private Optional<Choice> choice(String sql, UUID id) {
        return RunRows.with(em, (c, ws) -> {
            try (PreparedStatement select = prepare(c, sql, List.of(ws, id)); ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new Choice(rs.getObject(1, UUID.class), rs.getString(2)))
                        : Optional.<Choice>empty();
            }
        });
    }

    /** A WHERE clause, the workspace first, built a condition at a time with its parameters in order. */
    private static final class Where {
        final StringBuilder sql = new StringBuilder("workspace_id = ?");
        final List<Object> params = new ArrayList<>();

        Where(UUID workspaceId) {
            params.add(workspaceId);
        }

        Where and(String condition, Object... values) {
            sql.append(" and ").append(condition);
            params.addAll(List.of(values));
            return this;
        }

        /** The search's states, flow and deployment: columns of the runs and of the count tables alike. */
        Where statesFlowDeployment(Search s, String deploymentColumn) {
            if (s.states() != null && !s.states().isEmpty()) {
                and("state_type in (" + "?, ".repeat(s.states().size() - 1) + "?)",
                        new TreeSet<>(s.states()).toArray());
            }
            if (s.flowId() != null) and("flow_id = ?", s.flowId());
            if (s.deploymentId() != null) and(deploymentColumn + " = ?", s.deploymentId());
            return this;
        }

        /** The whole search on flow_run's derived columns. */
        static Where of(UUID workspaceId, Search s) {
            Where where = new Where(workspaceId).statesFlowDeployment(s, "deployment_id");
            if (s.tag() != null && !s.tag().isBlank()) where.and("tags @> array[?]::text[]", s.tag().strip());
            if (s.name() != null && !s.name().isBlank()) {
                // through the names' trigram index (changeset 013), kept apart from the runs
                where.and("id in (select n.id from flow_run_name n where n.workspace_id = ?"
                        + " and n.name ilike ? escape '\\')", workspaceId, contains(s.name().strip()));
            }
            if (s.from() != null) where.and("expected_start_time >= ?", at(s.from()));
            if (s.to() != null) where.and("expected_start_time < ?", at(s.to()));
            return where;
        }
    }

    /** An ILIKE pattern for "contains the text", its wildcards taken literally. */
    private static String contains(String text) {
        String t = text == null ? "" : text;
        return "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static PreparedStatement prepare(Connection c, String sql, List<?> params) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < params.size(); i++) statement.setObject(i + 1, params.get(i));
        return statement;
    }

    /** An instant as the driver sends a timestamptz (a java.sql.Timestamp would go in the JVM's time zone). */
    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
