package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.testing.RealPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flow runs page's queries on real PostgreSQL: filters, order, paging, buckets, and the workspace kept to. */
class RunsPageReadModelTest {
    static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
    static SessionFactory sf;
    static UUID ws;
    static UUID flowA;
    static UUID flowB;
    static UUID deployment;

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(ws, "l-" + ws.toString().substring(0, 8), "L", Instant.now()));
            s.persist(new Workspace(other, "l-" + other.toString().substring(0, 8), "O", Instant.now()));
        });
        flowA = UUID.randomUUID();
        flowB = UUID.randomUUID();
        deployment = UUID.randomUUID();
        sf.inTransaction(s -> s.doWork(c -> {
            try (var st = c.createStatement()) {
                st.execute("insert into flow (id, workspace_id, name, created, updated) values ('" + flowA + "', '" + ws
                        + "', 'alpha', now(), now()), ('" + flowB + "', '" + ws + "', 'beta_50%', now(), now())");
            }
            // run i starts i minutes after T0: even ones of alpha, odd ones of beta; every third failed
            for (int i = 0; i < 30; i++) {
                var doc = jakarta.json.Json.createObjectBuilder(RunHistoryTest.flowRun(i % 2 == 0 ? flowA : flowB,
                        "run-" + i + (i == 7 ? "_x%" : ""), T0.plusSeconds(60L * i), i % 3 == 0 ? "FAILED" : "COMPLETED",
                        i % 3 == 0 ? "Failed" : "Completed", T0.plusSeconds(60L * i + 5), 1.0,
                        i % 5 == 0 ? List.of("nightly", "etl") : List.of("etl")));
                if (i % 2 == 0) doc.add("deployment_id", deployment.toString());
                FlowRunStore.FLOW_RUN.insert(c, ws, doc.build());
            }
            // another workspace's runs of the same flow ids, names and times: never counted
            for (int i = 0; i < 10; i++) {
                FlowRunStore.FLOW_RUN.insert(c, other, RunHistoryTest.flowRun(flowA, "run-" + i, T0.plusSeconds(60L * i),
                        "FAILED", "Failed", null, 0.0, List.of("nightly")));
            }
        }));
    }

    static <T> T read(Function<RunsPageReadModel, T> query) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            RunsPageReadModel listing = new RunsPageReadModel();
            listing.em = s;
            return query.apply(listing);
        }));
    }

    static RunsPageReadModel.Search search(Set<String> states, UUID flow, UUID deploymentId, String tag, String name,
                                        Instant from, Instant to) {
        return new RunsPageReadModel.Search(states, flow, deploymentId, tag, name, from, to);
    }

    static final RunsPageReadModel.Search ALL = search(Set.of(), null, null, "", "", null, null);

    static List<String> names(RunsPageReadModel.Search s, int offset, int limit) {
        return read(l -> l.page(s, offset, limit)).stream().map(RunsPageReadModel.Row::name).toList();
    }

    static Map<String, Long> perState(RunsPageReadModel.Search s) {
        Map<String, Long> out = new TreeMap<>();
        read(l -> l.buckets(s, T0, 600)).forEach(b -> out.merge(b.stateType(), b.count(), Long::sum));
        return out;
    }

    @Test
    void pagesNewestFirstWithoutOverlap() {
        List<String> first = names(ALL, 0, 10);
        assertEquals("run-29", first.get(0));
        assertEquals("run-20", first.get(9));
        assertEquals(List.of("run-19", "run-18"), names(ALL, 10, 2));
        assertEquals(30, names(ALL, 0, 100).size(), "the other workspace's runs are not listed");
        RunsPageReadModel.Row row = read(l -> l.page(ALL, 1, 1)).get(0);
        assertEquals("alpha", row.flow());
        assertEquals("COMPLETED", row.stateType());
        assertEquals(List.of("etl"), row.tags());
        assertEquals(T0.plusSeconds(60L * 28 + 5), row.start());
    }

    @Test
    void eachFilterNarrowsRowsAndCounts() {
        assertEquals(Map.of("COMPLETED", 20L, "FAILED", 10L), perState(ALL));
        assertEquals(10, names(search(Set.of("FAILED"), null, null, "", "", null, null), 0, 100).size());
        assertEquals(Map.of("COMPLETED", 10L, "FAILED", 5L), perState(search(Set.of(), flowB, null, "", "", null, null)));
        assertEquals(15, names(search(Set.of(), null, deployment, "", "", null, null), 0, 100).size());
        assertEquals(List.of("run-25", "run-20", "run-15", "run-10", "run-5", "run-0"),
                names(search(Set.of(), null, null, "nightly", "", null, null), 0, 100));
        // a substring in any case, with LIKE's wildcards taken literally
        assertEquals(List.of("run-7_x%"), names(search(Set.of(), null, null, "", "N-7_X%", null, null), 0, 100));
        assertEquals(List.of(), names(search(Set.of(), null, null, "", "n-2_", null, null), 0, 100));
        assertEquals(List.of("run-2", "run-1"), names(search(Set.of(), null, null, "", "", T0.plusSeconds(60),
                T0.plusSeconds(180)), 0, 100));
        assertEquals(Map.of("COMPLETED", 1L), perState(search(Set.of(), flowA, deployment, "nightly", "run-1",
                T0.plusSeconds(600), null)), "run-10 is the only one");
    }

    @Test
    void bucketsCountPerIntervalAndState() {
        var buckets = read(l -> l.buckets(ALL, T0, 600));
        // ten minutes a bucket: runs 0-9, 10-19, 20-29; failed ones are 0, 3, 6, 9 in the first
        assertTrue(buckets.contains(new RunsPageReadModel.Bucket(0, "FAILED", 4)), buckets.toString());
        assertTrue(buckets.contains(new RunsPageReadModel.Bucket(0, "COMPLETED", 6)), buckets.toString());
        assertTrue(buckets.contains(new RunsPageReadModel.Bucket(2, "FAILED", 3)), buckets.toString());
        assertEquals(6, buckets.size());
        RunsPageReadModel.Span span = read(RunsPageReadModel::span);
        assertEquals(T0, span.first());
        assertEquals(T0.plusSeconds(60 * 29), span.last());
    }

    @Test
    void choicesByNameWithinTheWorkspace() {
        assertEquals(List.of("beta_50%"), read(l -> l.flows("A_5", 0, 10)).stream().map(RunsPageReadModel.Choice::name).toList());
        assertEquals(2, read(l -> l.flows("", 0, 10)).size());
        assertEquals("alpha", read(l -> l.flow(flowA)).orElseThrow().name());
        assertTrue(read(l -> l.flow(UUID.randomUUID())).isEmpty());
    }
}
