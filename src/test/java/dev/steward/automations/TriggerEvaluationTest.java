package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.events.RunEvent;
import dev.steward.orchestration.FlowRunStore;
import dev.steward.platform.Json;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prefect's trigger semantics on real PostgreSQL, with a clock the test moves: reactive thresholds and windows,
 * proactive deadlines (a stuck run fires once, a quick one never), compound and sequence triggers, and the cursor's
 * horizon (an event of a transaction still open is not read until it commits).
 */
class TriggerEvaluationTest {
    private final UUID workspace = UUID.randomUUID();
    private final Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(t0);
    private final List<RunEvent> emitted = new ArrayList<>();

    @BeforeEach
    void workspace() {
        RealPostgres.execute("insert into workspace (id, slug, name, created) values ('" + workspace + "', 'auto-"
                + workspace.toString().substring(0, 8) + "', 'automations', now())");
    }

    private Armed automation(String triggerJson, String... actionTypes) throws Exception {
        Trigger trigger = Trigger.read(Json.parse(triggerJson), "trigger").withNewIds();
        List<Action> actions = new ArrayList<>();
        for (String type : actionTypes) actions.add(Action.read(Json.parse("{\"type\":\"" + type + "\"}"), "a"));
        UUID id = UUID.randomUUID();
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("insert into automation (id, workspace_id, name, description, "
                     + "enabled, tags, trigger, actions, actions_on_trigger, actions_on_resolve, created, updated) "
                     + "values (?, ?, 'a', '', true, '{}', ?, ?, '[]', '[]', now(), now())")) {
            s.setObject(1, id);
            s.setObject(2, workspace);
            s.setString(3, trigger.toJson().toString());
            s.setString(4, Action.toJson(actions).toString());
            s.executeUpdate();
        }
        return Armed.of(id, workspace, "a", trigger, actions, List.of(), List.of());
    }

    private static JsonObject event(String name, String resourceId, Instant occurred) {
        return Json.createObjectBuilder().add("id", UUID.randomUUID().toString()).add("occurred", occurred.toString())
                .add("event", name).add("resource", Json.createObjectBuilder().add("prefect.resource.id", resourceId))
                .add("related", JsonValue.EMPTY_JSON_ARRAY).add("payload", JsonValue.EMPTY_JSON_OBJECT).build();
    }

    /** A finished flow run of the workspace, as the orchestration stores it (the columns metrics read). */
    private void finishedRun(String state, Instant start, Instant end, String tag) throws Exception {
        finishedRun(state, start, end, tag, UUID.randomUUID());
    }

    private UUID finishedRun(String state, Instant start, Instant end, String tag, UUID flow) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("insert into flow_run (id, workspace_id, flow_id, name, "
                     + "state_type, state_name, tags, expected_start_time, start_time, end_time, created, updated, "
                     + "body) values (?, ?, ?, 'r', ?, ?, ?, ?, ?, ?, now(), now(), ?::jsonb)")) {
            s.setObject(1, id);
            s.setObject(2, workspace);
            s.setObject(3, flow);
            s.setString(4, state);
            s.setString(5, state);
            s.setArray(6, c.createArrayOf("text", new String[] {tag}));
            s.setTimestamp(7, java.sql.Timestamp.from(start));
            s.setTimestamp(8, java.sql.Timestamp.from(start));
            s.setTimestamp(9, java.sql.Timestamp.from(end));
            s.setString(10, "{\"id\":\"" + id + "\",\"name\":\"r\",\"tags\":[\"" + tag + "\"]}");
            s.executeUpdate();
        }
        return id;
    }

    /** A metric check at the clock's time, in one transaction. */
    private void measure(Armed a) throws Exception {
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            c.setAutoCommit(false);
            EvaluationStore store = new EvaluationStore(c);
            Firings firings = new Firings(store);
            TriggerEvaluation evaluation = new TriggerEvaluation(store, firings, now::get);
            for (MetricTrigger t : a.metricTriggers()) evaluation.metric(a, t, now.get(), java.time.Duration.ZERO);
            c.commit();
            emitted.addAll(firings.events());
        }
    }

    private List<String> automationEvents() {
        return emitted.stream().map(RunEvent::name).filter(n -> n.startsWith("prefect.automation.t")
                || n.startsWith("prefect.automation.r")).toList();
    }

    @Test
    void aMetricTriggerFiresAfterBreachingForItsTimeAndResolvesAfterRecoveringAsLong() throws Exception {
        Armed a = automation("{\"type\":\"metric\",\"match_related\":{\"prefect.resource.id\":\"prefect.tag.etl\"},"
                + "\"metric\":{\"name\":\"duration\",\"threshold\":60,\"operator\":\">\",\"range\":300,"
                + "\"firing_for\":300}}", "do-nothing");
        for (int s : new int[] {-10, 100, 250}) finishedRun("COMPLETED", t0.plusSeconds(s - 120), t0.plusSeconds(s), "etl");
        finishedRun("COMPLETED", t0.plusSeconds(100), t0.plusSeconds(101), "other"); // not selected: another tag
        measure(a);
        assertEquals(List.of(), automationEvents(), "breaching, not yet for 300 s");
        now.set(t0.plusSeconds(299));
        measure(a);
        assertEquals(List.of(), automationEvents());
        now.set(t0.plusSeconds(300));
        measure(a);
        assertEquals(List.of("prefect.automation.triggered"), automationEvents(), "300 s of breach");
        assertEquals(120.0, emitted.get(0).payload().getJsonNumber("triggering_value").doubleValue(), 0.001);
        assertEquals("Metric", emitted.get(0).resource().getString("prefect.posture"));

        for (int s = 350; s <= 950; s += 50) finishedRun("COMPLETED", t0.plusSeconds(s - 10), t0.plusSeconds(s), "etl");
        now.set(t0.plusSeconds(400));
        measure(a);
        assertEquals(1, automationEvents().size(), "still breaching: the range holds a long run");
        now.set(t0.plusSeconds(620));
        measure(a);
        now.set(t0.plusSeconds(919));
        measure(a);
        assertEquals(1, automationEvents().size(), "recovered, not yet for 300 s");
        now.set(t0.plusSeconds(920));
        measure(a);
        assertEquals(List.of("prefect.automation.triggered", "prefect.automation.resolved"), automationEvents());
        assertEquals(2, firings(a));
    }

    @Test
    void aMetricSelectsItsRunsAmongMoreThanAPageOfNewerOnes() throws Exception {
        Armed a = automation("{\"type\":\"metric\",\"match_related\":{\"prefect.resource.id\":\"prefect.tag.etl\"},"
                + "\"metric\":{\"name\":\"duration\",\"threshold\":60,\"operator\":\">\",\"range\":300}}",
                "do-nothing");
        for (int i = 0; i < 3; i++) finishedRun("COMPLETED", t0.minusSeconds(200 + i), t0.minusSeconds(100 + i), "etl");
        // newer runs of another tag, more than two pages of them
        RealPostgres.execute("insert into flow_run (id, workspace_id, flow_id, name, state_type, state_name, tags, "
                + "expected_start_time, start_time, end_time, created, updated, body) select id, '" + workspace
                + "', gen_random_uuid(), 'r', 'COMPLETED', 'COMPLETED', '{other}', s, s, s + interval '40 seconds', "
                + "now(), now(), jsonb_build_object('id', id, 'name', 'r', 'tags', '[\"other\"]') from (select "
                + "gen_random_uuid() id, timestamptz '" + t0 + "' - interval '90 seconds' + g * interval '1 ms' s "
                + "from generate_series(1, " + (2 * TriggerEvaluation.METRIC_PAGE + 10) + ") g) runs");
        measure(a);
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            TriggerState.MetricState state = new EvaluationStore(c).metricState(a.id(), a.metricTriggers().get(0).id());
            assertEquals(100.0, state.lastValue(), 0.001, "the three etl runs, behind the newer pages");
        }
    }

    @Test
    void theRunQueryTestsWhatItCanOfMatchRelated() throws Exception {
        UUID flow = UUID.randomUUID();
        UUID deployment = UUID.randomUUID();
        UUID pool = UUID.randomUUID();
        MetricTrigger plain = metricOn("[{\"prefect.resource.id\":[\"prefect.flow." + flow + "\","
                + "\"prefect.deployment." + deployment + "\"]},{\"prefect.resource.role\":\"work-pool\","
                + "\"prefect.resource.id\":\"prefect.work-pool." + pool + "\"},"
                + "{\"prefect.resource.id\":\"prefect.tag.etl\"}]");
        assertEquals(List.of(new FlowRunStore.RelatedTo(List.of(flow), List.of(deployment), List.of(), List.of()),
                new FlowRunStore.RelatedTo(List.of(), List.of(), List.of(), List.of(pool))), plain.relatedInSql(),
                "a tag's runs are found by their documents: left to the selection");
        for (String unsaid : List.of("{\"prefect.resource.id\":\"prefect.flow.*\"}",
                "{\"prefect.resource.id\":[\"prefect.flow." + flow + "\",\"prefect.tag.etl\"]}",
                "{\"prefect.resource.id\":\"!prefect.flow." + flow + "\"}", "{\"prefect.resource.role\":\"flow\"}")) {
            assertEquals(List.of(), metricOn(unsaid).relatedInSql(), unsaid);
        }

        finishedRun("COMPLETED", t0.minusSeconds(100), t0.minusSeconds(50), "etl");
        UUID ofFlow = finishedRun("COMPLETED", t0.minusSeconds(120), t0.minusSeconds(60), "etl", flow);
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            List<FlowRunStore.Measured> read = FlowRunStore.measured(c, workspace, t0.minusSeconds(300), t0,
                    metricOn("{\"prefect.resource.id\":\"prefect.flow." + flow + "\"}").relatedInSql(), null, 10);
            assertEquals(List.of(ofFlow), read.stream().map(FlowRunStore.Measured::id).toList());
        }
    }

    private static MetricTrigger metricOn(String matchRelated) {
        return (MetricTrigger) Trigger.read(Json.parse("{\"type\":\"metric\",\"match_related\":" + matchRelated
                + ",\"metric\":{\"name\":\"duration\",\"threshold\":60,\"operator\":\">\"}}"), "trigger");
    }

    /** Feeds an event (or, with null, a proactive check) in one transaction; the number of firings it made. */
    private int feed(Armed a, JsonObject event) throws Exception {
        try (Connection c = RealPostgres.dataSource().getConnection()) {
            c.setAutoCommit(false);
            EvaluationStore store = new EvaluationStore(c);
            Firings firings = new Firings(store);
            TriggerEvaluation evaluation = new TriggerEvaluation(store, firings, now::get);
            for (EventTrigger t : a.eventTriggers()) {
                if (event == null) {
                    if (t.posture() == Posture.Proactive) evaluation.proactive(a, t, now.get());
                } else if (t.covers(event)) {
                    evaluation.reactive(a, t, event);
                }
            }
            c.commit();
            emitted.addAll(firings.events());
            return firings.actionRuns().size();
        }
    }

    private int firings(Armed a) throws Exception {
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("select count(*) from automation_firing where automation_id = ?")) {
            s.setObject(1, a.id());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void reactiveThresholdFiresOncePerWindow() throws Exception {
        Armed a = automation("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"x.ping\"],"
                + "\"match\":{\"prefect.resource.id\":\"x.*\"},\"threshold\":2,\"within\":60}", "do-nothing");
        assertEquals(0, feed(a, event("x.ping", "x.1", t0)));
        assertEquals(1, feed(a, event("x.ping", "x.1", t0.plusSeconds(1))), "the second event reaches 2");
        assertEquals(0, feed(a, event("x.ping", "x.1", t0.plusSeconds(2))), "the window already fired");
        assertEquals(0, feed(a, event("x.other", "x.1", t0.plusSeconds(3))));
        assertEquals(1, firings(a));
        JsonObject triggered = emitted.get(0).payload();
        assertEquals("prefect.automation.triggered", emitted.get(0).name());
        assertEquals("x.ping", triggered.getJsonObject("triggering_event").getString("event"));
        assertEquals("prefect.automation.action.triggered", emitted.get(1).name());
    }

    @Test
    void aForEachValueLongerThanAnIndexRowIsKeyedByItsHash() throws Exception {
        Armed a = automation("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"x.ping\"],"
                + "\"match\":{\"prefect.resource.id\":\"x.*\"},\"for_each\":[\"prefect.resource.name\"],"
                + "\"threshold\":2,\"within\":60}", "do-nothing");
        StringBuilder name = new StringBuilder();
        while (name.length() < 20_000) name.append(UUID.randomUUID()); // no compression makes it fit an index row
        JsonObject first = Json.createObjectBuilder(event("x.ping", "x.1", t0))
                .add("resource", Json.createObjectBuilder().add("prefect.resource.id", "x.1")
                        .add("prefect.resource.name", name.toString())).build();
        assertEquals(0, feed(a, first));
        assertEquals(1, feed(a, Json.createObjectBuilder(first).add("id", UUID.randomUUID().toString()).build()));
        assertEquals(name.toString(), emitted.get(0).payload().getJsonObject("triggering_labels")
                .getString("prefect.resource.name"), "the labels come back whole");
    }

    @Test
    void immediateTriggerFiresForEveryEvent() throws Exception {
        Armed a = automation("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"x.ping\"],"
                + "\"match\":{\"prefect.resource.id\":\"x.*\"}}", "do-nothing", "do-nothing");
        for (int i = 0; i < 5; i++) assertEquals(2, feed(a, event("x.ping", "x." + i, t0.plusSeconds(i))));
        assertEquals(5, firings(a));
    }

    @Test
    void proactiveFiresOnceForAStuckRunAndNeverForAQuickOne() throws Exception {
        Armed a = automation("{\"type\":\"event\",\"posture\":\"Proactive\",\"after\":[\"prefect.flow-run.Running\"],"
                + "\"expect\":[\"prefect.flow-run.Completed\"],\"for_each\":[\"prefect.resource.id\"],"
                + "\"match\":{\"prefect.resource.id\":\"prefect.flow-run.*\"},\"within\":15}", "do-nothing");
        String stuck = "prefect.flow-run." + UUID.randomUUID();
        String quick = "prefect.flow-run." + UUID.randomUUID();
        feed(a, event("prefect.flow-run.Running", stuck, t0));
        feed(a, event("prefect.flow-run.Running", quick, t0));
        now.set(t0.plusSeconds(5));
        feed(a, event("prefect.flow-run.Completed", quick, t0.plusSeconds(5)));
        now.set(t0.plusSeconds(14));
        assertEquals(0, feed(a, null), "before the deadline");
        now.set(t0.plusSeconds(15));
        assertEquals(1, feed(a, null), "at the deadline, for the stuck run only");
        now.set(t0.plusSeconds(60));
        assertEquals(0, feed(a, null), "once");
        JsonObject triggered = emitted.get(0).payload();
        assertEquals(stuck, triggered.getJsonObject("triggering_labels").getString("prefect.resource.id"));
    }

    @Test
    void compoundAllAndSequenceInOrder() throws Exception {
        String child = "{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"%s\"],"
                + "\"match\":{\"prefect.resource.id\":\"x.*\"}}";
        Armed all = automation("{\"type\":\"compound\",\"require\":\"all\",\"within\":60,\"triggers\":["
                + child.formatted("x.a") + "," + child.formatted("x.b") + "]}", "do-nothing");
        assertEquals(0, feed(all, event("x.a", "x.1", t0)));
        assertEquals(0, feed(all, event("x.a", "x.1", t0.plusSeconds(1))));
        now.set(t0.plusSeconds(2));
        assertEquals(1, feed(all, event("x.b", "x.1", t0.plusSeconds(2))), "both children fired");
        Armed sequence = automation("{\"type\":\"sequence\",\"within\":60,\"triggers\":["
                + child.formatted("y.a") + "," + child.formatted("y.b") + "]}", "do-nothing");
        now.set(t0.plusSeconds(3));
        assertEquals(0, feed(sequence, event("y.b", "x.1", t0.plusSeconds(3))));
        now.set(t0.plusSeconds(4));
        assertEquals(0, feed(sequence, event("y.a", "x.1", t0.plusSeconds(4))), "b came before a");
        now.set(t0.plusSeconds(5));
        assertEquals(1, feed(sequence, event("y.b", "x.1", t0.plusSeconds(5))), "a then b");
    }

    @Test
    void theCursorWaitsForOpenTransactions() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection open = RealPostgres.dataSource().getConnection();
             Connection reader = RealPostgres.dataSource().getConnection()) {
            open.setAutoCommit(false);
            try (PreparedStatement s = open.prepareStatement("insert into event (id, workspace_id, occurred, received, "
                    + "event, resource_id, resource, related, payload) values (?, ?, now(), now(), 'x.ping', 'x.1', "
                    + "'{}', '[]', '{}')")) {
                s.setObject(1, id);
                s.setObject(2, workspace);
                s.executeUpdate();
            }
            EvaluationStore store = new EvaluationStore(reader);
            EvaluationStore.Cursor start = new EvaluationStore.Cursor("1", new UUID(0, 0), new UUID(0, 0));
            assertTrue(store.eventsAfter(start, store.horizon(), new EvaluationStore.EventFilter(
                    List.of(workspace), List.of(), List.of(), List.of(), List.of()), 100).isEmpty(),
                    "an event of an open transaction is below no horizon");
            open.commit();
            var read = store.eventsAfter(start, store.horizon(), new EvaluationStore.EventFilter(List.of(),
                    List.of(workspace), List.of("x.ping"), List.of(), List.of()), 100);
            assertEquals(List.of(id.toString()), read.stream().map(e -> e.event().getString("id")).toList());
            JsonArray none = Json.createArrayBuilder().build();
            assertEquals(none, read.get(0).event().getJsonArray("related"));
        }
    }
}
