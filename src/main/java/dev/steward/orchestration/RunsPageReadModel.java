package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Where;
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
 * Console only: the run history of the workspace that {@code ConsoleWorkspaces.call} entered, as the console's flow
 * runs page reads it (Prefect's API has no such reads): a page of runs newest first, the runs counted per time bucket
 * and state, and the flows and deployments to filter by. Plain SQL over the columns derived from the run documents
 * ({@link FlowRunStore}), every statement with the workspace first, so that the index {@code flow_run_page}
 * (changeset 012) finds a page of runs, filtered or at a deep offset, without reading the table. The counts are exact;
 * over whole hours they come from the counts per hour that {@link RunsPageCounts} keeps, so that they do not grow with
 * the history (see the README's benchmark). Filters are {@link Where}s, sent positionally.
 */
@ApplicationScoped
public class RunsPageReadModel {
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
        UUID ws = TenantScope.workspaceId();
        Where where = new Where();
        // the page's ids come from the index alone (an offset of thousands skips index entries, not rows); only
        // the page's own rows are read from the table, with their flow and deployment names
        String sql = "with p as materialized (select id from flow_run where " + Where.and(runs(where, ws, search))
                + " order by expected_start_time desc, id offset " + where.param(offset) + " limit " + where.param(limit)
                + ") select r.id, r.name, f.name, d.name, r.state_type, r.state_name, r.expected_start_time, "
                + "r.start_time, r.end_time, r.tags from p join flow_run r on r.id = p.id and r.workspace_id = "
                + where.param(ws) + " "
                + "left join flow f on f.id = r.flow_id and f.workspace_id = r.workspace_id "
                + "left join deployment d on d.id = r.deployment_id and d.workspace_id = r.workspace_id "
                + "order by r.expected_start_time desc, r.id";
        return RunTable.jdbc(em, c -> {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement select = prepare(c, where.positional(sql)); ResultSet rs = select.executeQuery()) {
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
     * of whole hours are summed from the counts per hour (changeset 013, {@link RunsPageCounts}) when the search has
     * no name, nor a tag together with a flow or deployment, with the runs of the partial hours at the ends of its
     * time range counted one by one; otherwise from the runs.
     */
    @Transactional
    public List<Bucket> buckets(Search search, Instant origin, long bucketSeconds) {
        UUID ws = TenantScope.workspaceId();
        Where where = new Where();
        String counted = hourly(where, ws, search, origin, bucketSeconds).orElseGet(() -> counted(where, ws, search));
        return bucketsOf(where, counted, origin, bucketSeconds);
    }

    /** The same from the runs alone: what {@link #buckets} must always equal (its test compares them). */
    List<Bucket> bucketsFromRuns(Search search, Instant origin, long bucketSeconds) {
        Where where = new Where();
        return bucketsOf(where, counted(where, TenantScope.workspaceId(), search), origin, bucketSeconds);
    }

    /** Counts the rows (at, state, runs) of {@code counted}: at an instant (null: no expected start), so many runs. */
    private List<Bucket> bucketsOf(Where where, String counted, Instant origin, long bucketSeconds) {
        // date_part is a double: extract() would do the division in numeric, a third slower over a million rows
        String sql = "select floor(date_part('epoch', at - " + where.param(at(origin)) + "::timestamptz) / "
                + where.param(bucketSeconds) + ")::int, state, sum(runs) from (" + counted
                + ") counted group by 1, 2 having sum(runs) <> 0";
        return RunTable.jdbc(em, c -> {
            List<Bucket> out = new ArrayList<>();
            try (PreparedStatement select = prepare(c, where.positional(sql)); ResultSet rs = select.executeQuery()) {
                while (rs.next()) out.add(new Bucket(rs.getInt(1), rs.getString(2), rs.getLong(3)));
            }
            return out;
        });
    }

    /** The search's runs, one by one, as rows to count. */
    private static String counted(Where where, UUID ws, Search search) {
        return "select expected_start_time as at, coalesce(state_type, 'NONE') as state, 1 as runs "
                + "from flow_run where " + Where.and(runs(where, ws, search));
    }

    /**
     * From the counts per hour, when the search and the buckets allow: the whole hours of its range from the count
     * table (per flow and deployment, or per tag, when it filters by one) plus the changes not yet folded into it,
     * and the runs of the partial hours at the ends (and, with no time range, the runs without an expected start)
     * one by one.
     */
    private static Optional<String> hourly(Where where, UUID ws, Search search, Instant origin, long bucketSeconds) {
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
        List<String> counts = countFilter(where, ws, search, firstHour, endHour);
        if (tag != null) counts.add("tag = " + where.param(tag));
        List<String> changes = countFilter(where, ws, search, firstHour, endHour);
        changes.add(tag != null ? "tag = " + where.param(tag) : "tag is null");
        StringBuilder sql = new StringBuilder("select hour as at, state_type as state, runs from ").append(table)
                .append(" where ").append(Where.and(counts))
                .append(" union all select hour, state_type, runs from flow_run_count_change where ")
                .append(Where.and(changes));

        List<String> ends = new ArrayList<>();
        if (firstHour != null && search.from().isBefore(firstHour)) ends.add(during(where, search.from(), firstHour));
        if (endHour != null && endHour.isBefore(search.to())) ends.add(during(where, endHour, search.to()));
        if (search.from() == null && search.to() == null) ends.add("expected_start_time is null");
        if (!ends.isEmpty()) {
            List<String> runs = runs(where, ws, new Search(search.states(), search.flowId(), search.deploymentId(), tag,
                    null, null, null));
            runs.add(Where.or(ends));
            sql.append(" union all select expected_start_time, coalesce(state_type, 'NONE'), 1 from flow_run where ")
                    .append(Where.and(runs));
        }
        return Optional.of(sql.toString());
    }

    /** Runs expected to start in [from, to). */
    private static String during(Where where, Instant from, Instant to) {
        return "(expected_start_time >= " + where.param(at(from)) + " and expected_start_time < " + where.param(at(to))
                + ")";
    }

    /** The search's states, flow, deployment and whole hours on a count table's columns. */
    private static List<String> countFilter(Where where, UUID ws, Search search, Instant firstHour, Instant endHour) {
        List<String> conditions = statesFlowDeployment(where, ws, search, "deployment_key");
        if (firstHour != null) conditions.add("hour >= " + where.param(at(firstHour)));
        if (endHour != null) conditions.add("hour < " + where.param(at(endHour)));
        return conditions;
    }

    /** The workspace first, then the search's states, flow and deployment: columns of the runs and count tables alike. */
    private static List<String> statesFlowDeployment(Where where, UUID ws, Search s, String deploymentColumn) {
        List<String> conditions = new ArrayList<>();
        conditions.add("workspace_id = " + where.param(ws));
        if (s.states() != null && !s.states().isEmpty()) {
            List<String> states = new TreeSet<>(s.states()).stream().map(where::param).toList();
            conditions.add("state_type in (" + String.join(", ", states) + ")");
        }
        if (s.flowId() != null) conditions.add("flow_id = " + where.param(s.flowId()));
        if (s.deploymentId() != null) conditions.add(deploymentColumn + " = " + where.param(s.deploymentId()));
        return conditions;
    }

    /** The whole search on flow_run's derived columns. */
    private static List<String> runs(Where where, UUID ws, Search s) {
        List<String> conditions = statesFlowDeployment(where, ws, s, "deployment_id");
        if (s.tag() != null && !s.tag().isBlank()) conditions.add("tags @> array[" + where.param(s.tag().strip()) + "]::text[]");
        if (s.name() != null && !s.name().isBlank()) {
            // through the names' trigram index (changeset 013), kept apart from the runs
            conditions.add("id in (select n.id from flow_run_name n where n.workspace_id = " + where.param(ws)
                    + " and n.name ilike " + where.param(contains(s.name().strip())) + " escape '\\')");
        }
        if (s.from() != null) conditions.add("expected_start_time >= " + where.param(at(s.from())));
        if (s.to() != null) conditions.add("expected_start_time < " + where.param(at(s.to())));
        return conditions;
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
        UUID ws = TenantScope.workspaceId();
        return RunTable.jdbc(em, c -> {
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
        UUID ws = TenantScope.workspaceId();
        return RunTable.jdbc(em, c -> {
            List<Choice> out = new ArrayList<>();
            try (PreparedStatement select = prepare(c, sql, List.of(ws, contains(text), offset, limit));
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) out.add(new Choice(rs.getObject(1, UUID.class), rs.getString(2)));
            }
            return out;
        });
    }

    private Optional<Choice> choice(String sql, UUID id) {
        UUID ws = TenantScope.workspaceId();
        return RunTable.jdbc(em, c -> {
            try (PreparedStatement select = prepare(c, sql, List.of(ws, id)); ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new Choice(rs.getObject(1, UUID.class), rs.getString(2)))
                        : Optional.<Choice>empty();
            }
        });
    }

    /** An ILIKE pattern for "contains the text", its wildcards taken literally. */
    private static String contains(String text) {
        return "%" + Where.likeLiteral(text == null ? "" : text) + "%";
    }

    private static PreparedStatement prepare(Connection c, Where.Positional sql) throws SQLException {
        return prepare(c, sql.sql(), sql.values());
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
