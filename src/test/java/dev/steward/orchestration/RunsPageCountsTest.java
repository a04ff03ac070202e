package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.testing.RealPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counts per hour (changeset 013) on real PostgreSQL: whatever the runs go through (created, changing state,
 * moved to another hour, deleted) and however much of it is folded, the flow runs page's counts from them equal the
 * counts from the runs themselves.
 */
class RunsPageCountsTest {
    static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");
    static final List<String> STATES = List.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED");
    static SessionFactory sf;
    static UUID ws;
    static UUID flowA;
    static UUID flowB;
    static UUID deployment;
    static final Random RANDOM = new Random(13);
    static final List<JsonObject> RUNS = new ArrayList<>();

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = workspace();
        UUID other = workspace();
        flowA = UUID.randomUUID();
        flowB = UUID.randomUUID();
        deployment = UUID.randomUUID();
        sql(c -> {
            // three days of runs at random minutes: more than one run in most hours, of both flows and all states
            for (int i = 0; i < 300; i++) {
                RUNS.add(insert(c, ws, run(i)));
                if (i % 3 == 0) insert(c, other, run(i));
            }
            return null;
        });
    }

    static UUID workspace() {
        UUID id = UUID.randomUUID();
        sf.inTransaction(s -> s.persist(new Workspace(id, "c-" + id.toString().substring(0, 8), "C", Instant.now())));
        return id;
    }

    static JsonObject run(int i) {
        UUID flow = RANDOM.nextBoolean() ? flowA : flowB;
        String state = STATES.get(RANDOM.nextInt(STATES.size()));
        var doc = Json.createObjectBuilder(RunHistoryTest.flowRun(flow, "run-" + i,
                T0.plusSeconds(RANDOM.nextInt(3 * 24 * 60) * 60L + RANDOM.nextInt(60)), state, state, null, 0.0,
                tags()));
        if (flow.equals(flowA) && RANDOM.nextBoolean()) doc.add("deployment_id", deployment.toString());
        return doc.build();
    }

    /** None, one or two of three tags, now and then one twice (a run counts once per distinct tag). */
    static List<String> tags() {
        List<String> tags = new ArrayList<>();
        for (String tag : List.of("prod", "nightly", "etl")) {
            if (RANDOM.nextInt(3) == 0) tags.add(tag);
        }
        if (!tags.isEmpty() && RANDOM.nextInt(10) == 0) tags.add(tags.get(0));
        return tags;
    }

    static JsonObject insert(Connection c, UUID workspace, JsonObject doc) throws SQLException {
        FlowRunStore.FLOW_RUN.insert(c, workspace, doc);
        return doc;
    }

    interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    static <T> T sql(Sql<T> work) {
        return sf.fromTransaction(s -> s.doReturningWork(work::run));
    }

    static <T> T read(Function<RunsPageReadModel, T> query) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            RunsPageReadModel listing = new RunsPageReadModel();
            listing.em = s;
            return query.apply(listing);
        }));
    }

    static int fold(int batch) {
        return sql(c -> {
            try (PreparedStatement st = c.prepareStatement("select flow_run_count_fold(?)")) {
                st.setInt(1, batch);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    static long count(String sql) {
        return count(sql, ws);
    }

    static long count(String sql, UUID workspace) {
        return sql(c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setObject(1, workspace);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    static RunsPageReadModel.Search search(Set<String> states, UUID flow, UUID deploymentId, Instant from, Instant to) {
        return new RunsPageReadModel.Search(states, flow, deploymentId, null, null, from, to);
    }

    static RunsPageReadModel.Search tagged(String tag, Set<String> states, UUID flow, Instant from, Instant to) {
        return new RunsPageReadModel.Search(states, flow, null, tag, null, from, to);
    }

    /** Searches the hourly counts serve, with ranges that start and end inside hours and on them. */
    static final List<RunsPageReadModel.Search> SEARCHES = List.of(
            search(Set.of(), null, null, null, null),
            search(Set.of("FAILED", "CRASHED"), null, null, null, null),
            search(Set.of(), flowA, null, null, null),
            search(Set.of(), flowB, null, null, null),
            search(Set.of(), null, deployment, null, null),
            search(Set.of("COMPLETED"), flowA, deployment, null, null),
            search(Set.of(), null, null, T0.plus(Duration.ofMinutes(77)), T0.plus(Duration.ofHours(53).plusMinutes(3))),
            search(Set.of(), null, null, T0.plus(Duration.ofHours(5)), T0.plus(Duration.ofHours(29))),
            search(Set.of(), null, null, T0.plus(Duration.ofMinutes(1500).plusSeconds(7)), null),
            search(Set.of(), flowA, null, null, T0.plus(Duration.ofMinutes(2000))),
            search(Set.of("SCHEDULED"), null, deployment, T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofDays(2))),
            search(Set.of(), null, null, T0.plus(Duration.ofMinutes(70)), T0.plus(Duration.ofMinutes(110))),
            tagged("prod", Set.of(), null, null, null),
            tagged("nightly", Set.of("FAILED", "RUNNING"), null, null, null),
            tagged("etl", Set.of(), null, T0.plus(Duration.ofMinutes(95)), T0.plus(Duration.ofHours(40).plusSeconds(1))),
            tagged("prod", Set.of(), flowA, null, null),
            tagged("none-has-it", Set.of(), null, null, null));

    static void assertCountsMatchTheRuns(String when) {
        for (RunsPageReadModel.Search s : SEARCHES) {
            for (long size : List.of(3600L, 3 * 3600L, 86_400L)) {
                Instant origin = T0.minus(Duration.ofDays(1));
                Map<String, Long> fromCounts = keyed(read(l -> l.buckets(s, origin, size)));
                Map<String, Long> fromRuns = keyed(read(l -> l.bucketsFromRuns(s, origin, size)));
                assertEquals(fromRuns, fromCounts, when + ": " + s + ", buckets of " + size + " s");
            }
        }
        assertTrue(keyed(read(l -> l.buckets(SEARCHES.get(0), T0, 3600))).size() > 50, "the data has many buckets");
    }

    static Map<String, Long> keyed(List<RunsPageReadModel.Bucket> buckets) {
        Map<String, Long> out = new TreeMap<>();
        buckets.forEach(b -> out.merge(b.index() + "/" + b.stateType(), b.count(), Long::sum));
        return out;
    }

    @Test
    void countsEqualTheRunsThroughChangesAndFolds() {
        assertCountsMatchTheRuns("nothing folded");
        fold(Integer.MAX_VALUE);
        assertCountsMatchTheRuns("all folded");

        // runs change state (most), move to another hour (some) and are deleted (a few), in three transactions
        Map<Integer, JsonObject> changed = new HashMap<>();
        sql(c -> {
            for (int i = 0; i < RUNS.size(); i += 2) {
                String state = STATES.get(RANDOM.nextInt(STATES.size()));
                var doc = Json.createObjectBuilder(RUNS.get(i)).add("state_type", state).add("state_name", state);
                if (i % 10 == 0) {
                    doc.add("expected_start_time", T0.plusSeconds(RANDOM.nextInt(3 * 24 * 3600)).toString());
                }
                if (i % 6 == 0) doc.add("tags", dev.steward.platform.Json.strings(tags()));
                changed.put(i, doc.build());
                FlowRunStore.FLOW_RUN.update(c, ws, changed.get(i));
            }
            return null;
        });
        changed.forEach(RUNS::set);
        assertCountsMatchTheRuns("changed, not folded");
        assertTrue(fold(25) == 25, "a part folded");
        assertCountsMatchTheRuns("a part folded");
        sql(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "delete from flow_run where workspace_id = ? and name in ('run-3', 'run-4', 'run-5', 'run-99')")) {
                st.setObject(1, ws);
                assertEquals(4, st.executeUpdate());
            }
            for (int i = 0; i < 20; i++) insert(c, ws, run(1000 + i));
            return null;
        });
        assertCountsMatchTheRuns("deleted and added");
        fold(Integer.MAX_VALUE);
        assertCountsMatchTheRuns("all folded again");
        assertEquals(0, count("select count(*) from flow_run_count_change where workspace_id = ?"), "nothing left");
        assertEquals(0, count("select count(*) from flow_run_count where workspace_id = ? and runs <= 0")
                + count("select count(*) from flow_run_count_by_flow where workspace_id = ? and runs <= 0")
                + count("select count(*) from flow_run_count_by_tag where workspace_id = ? and runs <= 0"),
                "no count row down to zero is kept");
        assertEquals(316, count("select sum(runs) from flow_run_count where workspace_id = ?"));
        assertEquals(316, count("select sum(runs) from flow_run_count_by_flow where workspace_id = ?"));
        assertEquals(count("select count(*) from flow_run where workspace_id = ? and tags @> array['prod']"),
                count("select sum(runs) from flow_run_count_by_tag where workspace_id = ? and tag = 'prod'"));
    }

    @Test
    void theCountsAreReadFromTheCountTableForWholeHoursOnly() {
        fold(Integer.MAX_VALUE);
        Instant hour = T0.plus(Duration.ofHours(100)); // no run there
        sql(c -> {
            try (PreparedStatement st = c.prepareStatement("insert into flow_run_count_change "
                    + "(workspace_id, hour, state_type, flow_id, deployment_key, runs) values (?, ?, 'PAUSED', ?, ?, 1000)")) {
                st.setObject(1, ws);
                st.setObject(2, hour.atOffset(java.time.ZoneOffset.UTC));
                st.setObject(3, flowB);
                st.setObject(4, new UUID(0, 0));
                st.executeUpdate();
            }
            return null;
        });
        try {
            RunsPageReadModel.Search all = search(Set.of(), null, null, null, null);
            assertEquals(1000L, keyed(read(l -> l.buckets(all, T0, 3600))).get("100/PAUSED"), "a change not folded");
            fold(Integer.MAX_VALUE);
            assertEquals(1000L, keyed(read(l -> l.buckets(all, T0, 3600))).get("100/PAUSED"), "a count");
            assertEquals(1000L, keyed(read(l -> l.buckets(search(Set.of(), flowB, null, null, null), T0, 3600)))
                    .get("100/PAUSED"), "per flow");
            assertEquals(null, keyed(read(l -> l.buckets(all, T0, 1800))).get("200/PAUSED"),
                    "half hours are counted from the runs");
            assertEquals(null, keyed(read(l -> l.buckets(search(Set.of(), null, null, hour.plusSeconds(1), null), T0,
                    3600))).get("100/PAUSED"), "nor is an hour the range starts inside of");
        } finally {
            RealPostgres.execute("delete from flow_run_count where workspace_id = '" + ws + "' and state_type = 'PAUSED'");
            RealPostgres.execute("delete from flow_run_count_by_flow where workspace_id = '" + ws
                    + "' and state_type = 'PAUSED'");
        }
    }

    @Test
    void aRunIsFoundByItsNameAfterARename() {
        JsonObject renamed = Json.createObjectBuilder(RUNS.get(1)).add("name", "quiet-Otter-1").build();
        sql(c -> {
            FlowRunStore.FLOW_RUN.update(c, ws, renamed);
            return null;
        });
        RUNS.set(1, renamed);
        RunsPageReadModel.Search byName = new RunsPageReadModel.Search(Set.of(), null, null, null, "OTTER-1", null, null);
        assertEquals(List.of("quiet-Otter-1"), read(l -> l.page(byName, 0, 10)).stream().map(RunsPageReadModel.Row::name).toList());
        assertEquals(1L, read(l -> l.buckets(byName, T0, 3600)).stream().mapToLong(RunsPageReadModel.Bucket::count).sum());
        RunsPageReadModel.Search oldName = new RunsPageReadModel.Search(Set.of(), null, null, null, "run-1", null, null);
        assertTrue(read(l -> l.page(oldName, 0, 500)).stream().noneMatch(r -> r.name().equals("run-1")));
    }

    @Test
    void theChangesOfADeletedWorkspaceAreDroppedByTheFold() {
        UUID gone = workspace();
        sql(c -> {
            for (int i = 0; i < 5; i++) insert(c, gone, run(2000 + i));
            return null;
        });
        RealPostgres.execute("delete from workspace where id = '" + gone + "'");
        fold(Integer.MAX_VALUE);
        assertEquals(0, count("select count(*) from flow_run_count_change where workspace_id = ?", gone));
    }
}
