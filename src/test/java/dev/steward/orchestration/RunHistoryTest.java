package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run history buckets, aggregated by PostgreSQL through Hibernate, for flow runs and task runs. */
class RunHistoryTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static SessionFactory sf;
    static UUID ws;
    static UUID other;

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        other = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(ws, "h-" + ws.toString().substring(0, 8), "H", Instant.now()));
            s.persist(new Workspace(other, "h-" + other.toString().substring(0, 8), "O", Instant.now()));
        });
        UUID flow = UUID.randomUUID();
        sf.inTransaction(s -> s.doWork(c -> {
            // bucket 0: two completed runs, 10 s and 20 s of run time, one started 5 s late
            FlowRunStore.FLOW_RUN.insert(c, ws, flowRun(flow, "a", T0.plusSeconds(10), "COMPLETED", "Completed", T0.plusSeconds(15), 10.0, List.of("x")));
            FlowRunStore.FLOW_RUN.insert(c, ws, flowRun(flow, "b", T0.plusSeconds(20), "COMPLETED", "Completed", T0.plusSeconds(20), 20.0, List.of()));
            // bucket 1: one failed run; bucket 2: nothing; bucket 3: a run still scheduled (late since then)
            FlowRunStore.FLOW_RUN.insert(c, ws, flowRun(flow, "c", T0.plusSeconds(70), "FAILED", "Failed", T0.plusSeconds(70), 3.0, List.of("x")));
            FlowRunStore.FLOW_RUN.insert(c, ws, flowRun(flow, "d", T0.plusSeconds(200), "SCHEDULED", "Late", null, 0.0, List.of()));
            // outside the range
            FlowRunStore.FLOW_RUN.insert(c, ws, flowRun(flow, "e", T0.plusSeconds(500), "COMPLETED", "Completed", T0.plusSeconds(500), 1.0, List.of()));
            TaskRunStore.TASK_RUN.insert(c, ws, Json.createObjectBuilder().add("id", UUID.randomUUID().toString())
                    .add("created", T0.toString()).add("updated", T0.toString())
                    .add("name", "t").add("flow_run_id", JsonValue.NULL)
                    .add("state_type", "COMPLETED").add("state_name", "Cached")
                    .add("expected_start_time", T0.plusSeconds(65).toString())
                    .add("start_time", T0.plusSeconds(66).toString()).add("total_run_time", 2.5)
                    .add("state", Json.createObjectBuilder().add("type", "COMPLETED").add("name", "Cached")
                            .add("timestamp", T0.toString())).build());
            FlowRunStore.FLOW_RUN.insert(c, other, flowRun(flow, "z", T0.plusSeconds(10), "COMPLETED", "Completed", T0.plusSeconds(10), 99.0, List.of()));
        }));
    }

    static JsonObject flowRun(UUID flow, String name, Instant expected, String type, String stateName, Instant start,
                              double total, List<String> tags) {
        JsonObjectBuilder doc = Json.createObjectBuilder().add("id", UUID.randomUUID().toString())
                .add("flow_id", flow.toString()).add("created", T0.toString()).add("updated", T0.toString())
                .add("name", name).add("state_type", type)
                .add("state_name", stateName).add("expected_start_time", expected.toString())
                .add("start_time", start == null ? JsonValue.NULL : Json.createValue(start.toString()))
                .add("end_time", JsonValue.NULL).add("total_run_time", total)
                .add("tags", dev.steward.platform.Json.strings(tags))
                .add("state", Json.createObjectBuilder().add("type", type).add("name", stateName).add("timestamp", expected.toString()));
        return doc.build();
    }

    static JsonArray flowHistory(String body) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> FlowRunStore.of(s).history(ws, Body.parse(body))));
    }

    static String range(int seconds, double interval) {
        return "\"history_start\":\"" + T0 + "\",\"history_end\":\"" + T0.plusSeconds(seconds) + "\",\"history_interval_seconds\":" + interval;
    }

    @Test
    void bucketsCountStatesWithRunTimeAndLateness() {
        JsonArray history = flowHistory("{" + range(240, 60) + "}");
        assertEquals(4, history.size());
        assertEquals(T0.toString(), history.getJsonObject(0).getString("interval_start"));
        assertEquals(T0.plusSeconds(60).toString(), history.getJsonObject(0).getString("interval_end"));
        JsonObject completed = history.getJsonObject(0).getJsonArray("states").getJsonObject(0);
        assertEquals("COMPLETED", completed.getString("state_type"));
        assertEquals("Completed", completed.getString("state_name"));
        assertEquals(2, completed.getInt("count_runs"));
        assertEquals(30.0, completed.getJsonNumber("sum_estimated_run_time").doubleValue(), 1e-6);
        assertEquals(5.0, completed.getJsonNumber("sum_estimated_lateness").doubleValue(), 1e-6);
        assertEquals("FAILED", history.getJsonObject(1).getJsonArray("states").getJsonObject(0).getString("state_type"));
        assertEquals(0, history.getJsonObject(2).getJsonArray("states").size());
        JsonObject late = history.getJsonObject(3).getJsonArray("states").getJsonObject(0);
        assertEquals("Late", late.getString("state_name"));
        assertTrue(late.getJsonNumber("sum_estimated_lateness").doubleValue() > 1000, "late since T0 + 200 s");
    }

    @Test
    void filtersApplyAndTheRangeIsCapped() {
        JsonArray tagged = flowHistory("{" + range(240, 60) + ",\"flow_runs\":{\"tags\":{\"all_\":[\"x\"]}}}");
        assertEquals(1, tagged.getJsonObject(0).getJsonArray("states").getJsonObject(0).getInt("count_runs"));
        assertEquals(500, flowHistory("{" + range(100_000, 1) + "}").size());
        assertEquals(0, flowHistory("{\"history_start\":\"" + T0 + "\",\"history_end\":\"" + T0.minusSeconds(1)
                + "\",\"history_interval_seconds\":60}").size());
    }

    @Test
    void taskRunsHaveTheirOwnHistory() {
        JsonArray history = TenantScope.system(ws).supply(() -> sf.fromTransaction(s ->
                TaskRunStore.of(s).history(ws, Body.parse("{" + range(120, 60) + "}"))));
        JsonObject cached = history.getJsonObject(1).getJsonArray("states").getJsonObject(0);
        assertEquals("Cached", cached.getString("state_name"));
        assertEquals(2.5, cached.getJsonNumber("sum_estimated_run_time").doubleValue(), 1e-6);
        assertEquals(1.0, cached.getJsonNumber("sum_estimated_lateness").doubleValue(), 1e-6);
    }

    @Test
    void badInputIsA422() {
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> flowHistory("{" + range(60, 0.5) + "}"))));
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> flowHistory("{\"history_start\":\"" + T0 + "\"}"))));
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> flowHistory("{" + range(60, 1) + ",\"x\":1}"))));
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> flowHistory("{\"history_start\":\"yesterday\","
                + "\"history_end\":\"" + T0 + "\",\"history_interval_seconds\":60}"))));
    }
}
