package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Json;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backtest's in-memory evaluation fires exactly as the evaluator's PostgreSQL one: two hours of flow-run and
 * heartbeat events (drawn from a fixed seed) replayed through each kind of trigger, once on {@link EvaluationStore}
 * with {@link Firings} recording firings as rows, once on {@link MemoryTriggerState}; the firings (time and
 * triggering event) are the same, and there are some of each kind.
 */
class BacktestTest {
    private static final UUID WORKSPACE = UUID.randomUUID();
    private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(2));
    private static final List<JsonObject> EVENTS = events(new Random(20261207));

    @BeforeAll
    static void workspace() {
        RealPostgres.execute("insert into workspace (id, slug, name, created) values ('" + WORKSPACE + "', 'backtest-"
                + WORKSPACE.toString().substring(0, 8) + "', 'backtest', now())");
    }

    /** One firing as both sides see it: when, and the id of the event that caused it ("" for none). */
    private record Seen(Instant at, String eventId) {}

    @Test
    void reactiveThresholdPerRun() throws Exception {
        same("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.Failed\","
                + "\"prefect.flow-run.Crashed\"],\"match\":{\"prefect.resource.id\":\"prefect.flow-run.*\"},"
                + "\"for_each\":[\"prefect.resource.id\"],\"threshold\":1,\"within\":0}", 5);
        same("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.*\"],"
                + "\"match_related\":{\"prefect.resource.role\":\"flow\",\"prefect.resource.id\":\"prefect.flow.etl\"},"
                + "\"threshold\":3,\"within\":300}", 3);
    }

    @Test
    void proactiveStuckRunsAndMissingHeartbeats() throws Exception {
        same("{\"type\":\"event\",\"posture\":\"Proactive\",\"after\":[\"prefect.flow-run.Running\"],"
                + "\"expect\":[\"prefect.flow-run.*\"],\"match\":{\"prefect.resource.id\":\"prefect.flow-run.*\"},"
                + "\"for_each\":[\"prefect.resource.id\"],\"threshold\":1,\"within\":600}", 3);
        same("{\"type\":\"event\",\"posture\":\"Proactive\",\"expect\":[\"x.heartbeat\"],"
                + "\"match\":{\"prefect.resource.id\":\"x.worker\"},\"threshold\":1,\"within\":120}", 3);
    }

    @Test
    void compoundAndSequence() throws Exception {
        String child = "{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"%s\"],"
                + "\"match\":{\"prefect.resource.id\":\"prefect.flow-run.*\"}}";
        same("{\"type\":\"compound\",\"require\":\"all\",\"within\":900,\"triggers\":["
                + child.formatted("prefect.flow-run.Failed") + "," + child.formatted("prefect.flow-run.Completed")
                + "]}", 3);
        same("{\"type\":\"sequence\",\"within\":600,\"triggers\":[" + child.formatted("prefect.flow-run.Pending")
                + "," + child.formatted("prefect.flow-run.Crashed") + "]}", 2);
    }

    /** Both evaluations fire alike on {@link #EVENTS}, at least {@code atLeast} times. */
    private void same(String triggerJson, int atLeast) throws Exception {
        Armed automation = automation(Trigger.read(Json.parse(triggerJson), "trigger").withNewIds());
        List<Seen> memory = new ArrayList<>();
        Replay inMemory = new Replay(automation, new MemoryTriggerState(),
                (a, firing, resolved) -> memory.add(seen(firing.triggered(), firing.triggeringEvent())), START);
        for (JsonObject event : EVENTS) inMemory.event(event);
        inMemory.finish(END);

        try (Connection c = RealPostgres.dataSource().getConnection()) {
            c.setAutoCommit(false);
            EvaluationStore store = new EvaluationStore(c);
            Replay inPostgres = new Replay(automation, store, new Firings(store), START);
            for (JsonObject event : EVENTS) inPostgres.event(event);
            inPostgres.finish(END);
            c.commit();
        }
        List<Seen> postgres = recorded(automation);

        Comparator<Seen> order = Comparator.comparing(Seen::at).thenComparing(Seen::eventId);
        memory.sort(order);
        postgres.sort(order);
        assertEquals(postgres, memory, triggerJson);
        assertTrue(memory.size() >= atLeast, memory.size() + " firings of " + triggerJson);
    }

    private static Seen seen(Instant at, JsonObject event) {
        return new Seen(at, event == null ? "" : event.getString("id"));
    }

    private static Armed automation(Trigger trigger) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("insert into automation (id, workspace_id, name, description, "
                     + "enabled, tags, trigger, actions, actions_on_trigger, actions_on_resolve, created, updated) "
                     + "values (?, ?, 'backtest', '', true, '{}', ?, '[{\"type\":\"do-nothing\"}]', '[]', '[]', "
                     + "now(), now())")) {
            s.setObject(1, id);
            s.setObject(2, WORKSPACE);
            s.setString(3, trigger.toJson().toString());
            s.executeUpdate();
        }
        return Armed.of(id, WORKSPACE, "backtest", trigger, List.of(new Action.DoNothing()), List.of(), List.of());
    }

    /** The firings the PostgreSQL evaluation recorded. */
    private static List<Seen> recorded(Armed automation) throws Exception {
        try (Connection c = RealPostgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("select triggered_at, triggering_event_id from "
                     + "automation_firing where automation_id = ?")) {
            s.setObject(1, automation.id());
            List<Seen> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    UUID event = rs.getObject(2, UUID.class);
                    out.add(new Seen(rs.getTimestamp(1).toInstant(), event == null ? "" : event.toString()));
                }
            }
            return out;
        }
    }

    /**
     * Two hours of a workspace's events, in occurred order, at whole milliseconds (as PostgreSQL keeps them): runs of
     * two flows going Pending, Running, then Completed, Failed, Crashed or nowhere (stuck), and a worker's heartbeat
     * with gaps.
     */
    private static List<JsonObject> events(Random random) {
        List<JsonObject> events = new ArrayList<>();
        List<String> ends = List.of("Completed", "Completed", "Failed", "Crashed", "");
        for (int run = 0; run < 40; run++) {
            String runId = "prefect.flow-run." + new UUID(random.nextLong(), random.nextLong());
            String flow = random.nextBoolean() ? "prefect.flow.etl" : "prefect.flow.report";
            Instant at = START.plusMillis(random.nextInt(6_600_000));
            events.add(event("prefect.flow-run.Pending", runId, flow, at));
            at = at.plusMillis(1 + random.nextInt(60_000));
            events.add(event("prefect.flow-run.Running", runId, flow, at));
            String end = ends.get(random.nextInt(ends.size()));
            if (!end.isEmpty()) {
                events.add(event("prefect.flow-run." + end, runId, flow, at.plusMillis(1 + random.nextInt(900_000))));
            }
        }
        for (Instant at = START; at.isBefore(END); at = at.plusMillis(30_000 + random.nextInt(240_000))) {
            events.add(event("x.heartbeat", "x.worker", null, at));
        }
        events.removeIf(e -> !Instant.parse(e.getString("occurred")).isBefore(END));
        events.sort(Comparator.comparing(e -> Instant.parse(e.getString("occurred"))));
        return List.copyOf(events);
    }

    private static JsonObject event(String name, String resourceId, String flow, Instant occurred) {
        var related = Json.createArrayBuilder();
        if (flow != null) {
            related.add(Json.createObjectBuilder().add("prefect.resource.id", flow)
                    .add("prefect.resource.role", "flow"));
        }
        return Json.createObjectBuilder().add("id", UUID.randomUUID().toString()).add("occurred", occurred.toString())
                .add("event", name).add("resource", Json.createObjectBuilder().add("prefect.resource.id", resourceId))
                .add("related", related).add("payload", JsonValue.EMPTY_JSON_OBJECT).build();
    }
}
