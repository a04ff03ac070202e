package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prefect's flow, flow-run and task-run filters and their combinations, on real PostgreSQL through Hibernate. */
class RunFiltersTest {
    static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");
    static final String DEPLOYMENT = "6f7c1d7e-0b0f-4a7e-9d55-2f8f7f6c1a01";
    static final String CREATOR = "1a2b3c4d-0000-4000-8000-000000000001";
    static SessionFactory sf;
    static UUID ws;
    static UUID etl;
    static UUID r1;
    static UUID r3;
    static UUID t1;

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(ws, "f-" + ws.toString().substring(0, 8), "F", Instant.now()));
            s.persist(new Workspace(other, "f-" + other.toString().substring(0, 8), "O", Instant.now()));
        });
        r1 = UUID.randomUUID();
        r3 = UUID.randomUUID();
        UUID pool = UUID.randomUUID();
        UUID queue = UUID.randomUUID();
        RealPostgres.execute("insert into work_pool (id, workspace_id, name, type, created, updated) values ('" + pool
                + "', '" + ws + "', 'pool-a', 'process', now(), now())");
        RealPostgres.execute("insert into work_queue (id, workspace_id, work_pool_id, name, priority, created, updated) "
                + "values ('" + queue + "', '" + ws + "', '" + pool + "', 'Q-main', 1, now(), now())");
        t1 = UUID.randomUUID();
        TenantScope.system(ws).run(() -> sf.inTransaction(s -> {
            Flow etlFlow = new Flow("etl", List.of("nightly", "a"), "{}", T0);
            Flow report = new Flow("report", List.of(), "{}", T0);
            s.persist(etlFlow);
            s.persist(report);
            s.persist(new Flow("lonely", List.of("a"), "{}", T0));
            etl = etlFlow.getId();
            insertFlowRun(s, run(r1, etl, "alpha-run", List.of("x", "y"), "COMPLETED", "Completed", T0, T0.plusSeconds(1),
                    T0.plusSeconds(5), "k1", d -> d.add("deployment_id", DEPLOYMENT).add("work_queue_name", "q1").add("work_queue_id", queue.toString())
                            .add("flow_version", "1.0").add("created_by", Json.createObjectBuilder()
                                    .add("id", CREATOR).add("type", "DEPLOYMENT").add("display_value", "d"))));
            insertFlowRun(s, run(UUID.randomUUID(), etl, "Beta", List.of(), "FAILED", "Failed", T0.plusSeconds(10), null, null,
                    null, d -> d.add("parent_task_run_id", t1.toString())));
            insertFlowRun(s, run(r3, report.getId(), "gamma_%", List.of("y"), "SCHEDULED", "Late", T0.plusSeconds(20), null,
                    null, null, d -> d.add("next_scheduled_start_time", T0.plusSeconds(30).toString())));
            insertTaskRun(s, task(t1, r1, "extract-0", List.of("a", "b"), "COMPLETED", "Completed", T0.plusSeconds(2), T0.plusSeconds(3)));
            insertTaskRun(s, task(UUID.randomUUID(), r1, "load-0", List.of(), "RUNNING", "Running", T0.plusSeconds(4), null));
            insertTaskRun(s, task(UUID.randomUUID(), null, "solo", List.of("b"), "COMPLETED", "Cached", T0.plusSeconds(6), T0.plusSeconds(7)));
            insertTaskRun(s, task(UUID.randomUUID(), r3, "waiting", List.of(), "PENDING", "Pending", null, null));
        }));
        // another workspace's objects of the same names are never seen
        TenantScope.system(other).run(() -> sf.inTransaction(s -> {
            Flow flow = new Flow("etl", List.of("nightly"), "{}", T0);
            s.persist(flow);
            insertFlowRun(s, run(UUID.randomUUID(), flow.getId(), "alpha-run", List.of("x"), "COMPLETED", "Completed", T0, T0,
                    T0, "k1", d -> d.add("deployment_id", DEPLOYMENT)));
            insertTaskRun(s, task(UUID.randomUUID(), null, "solo", List.of("b"), "COMPLETED", "Cached", T0, T0));
        }));
    }

    interface Doc {
        void fill(JsonObjectBuilder doc);
    }

    static void insertFlowRun(Session s, JsonObject doc) {
        s.doWork(c -> FlowRunStore.FLOW_RUN.insert(c, (UUID) s.getTenantIdentifierValue(), doc));
    }

    static void insertTaskRun(Session s, JsonObject doc) {
        s.doWork(c -> TaskRunStore.TASK_RUN.insert(c, (UUID) s.getTenantIdentifierValue(), doc));
    }

    static JsonObject run(UUID id, UUID flow, String name, List<String> tags, String type, String stateName, Instant expected,
                          Instant start, Instant end, String key, Doc extra) {
        JsonObjectBuilder doc = Json.createObjectBuilder().add("id", id.toString()).add("name", name)
                .add("flow_id", flow.toString()).add("created", T0.toString()).add("updated", T0.toString())
                .add("idempotency_key", key == null ? JsonValue.NULL : Json.createValue(key))
                .add("state_type", type).add("state_name", stateName).add("expected_start_time", expected.toString())
                .add("start_time", start == null ? JsonValue.NULL : Json.createValue(start.toString()))
                .add("end_time", end == null ? JsonValue.NULL : Json.createValue(end.toString()))
                .add("tags", dev.steward.platform.Json.strings(tags)).add("deployment_id", JsonValue.NULL)
                .add("work_queue_name", JsonValue.NULL).add("flow_version", JsonValue.NULL)
                .add("parent_task_run_id", JsonValue.NULL).add("next_scheduled_start_time", JsonValue.NULL)
                .add("created_by", JsonValue.NULL);
        extra.fill(doc);
        return doc.build();
    }

    static JsonObject task(UUID id, UUID flowRun, String name, List<String> tags, String type, String stateName, Instant start,
                           Instant end) {
        return Json.createObjectBuilder().add("id", id.toString()).add("name", name)
                .add("created", T0.toString()).add("updated", T0.toString())
                .add("state", Json.createObjectBuilder().add("type", type).add("name", stateName).add("timestamp", T0.toString()))
                .add("flow_run_id", flowRun == null ? JsonValue.NULL : Json.createValue(flowRun.toString()))
                .add("tags", dev.steward.platform.Json.strings(tags)).add("state_type", type).add("state_name", stateName)
                .add("expected_start_time", start == null ? JsonValue.NULL : Json.createValue(start.toString()))
                .add("start_time", start == null ? JsonValue.NULL : Json.createValue(start.toString()))
                .add("end_time", end == null ? JsonValue.NULL : Json.createValue(end.toString())).build();
    }

    static String name(FlowRun run) {
        return dev.steward.platform.Json.parseObject(run.getBody()).getString("name");
    }

    static String name(TaskRun run) {
        return dev.steward.platform.Json.parseObject(run.getBody()).getString("name");
    }

    static List<String> flowRuns(String body) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            RunQuery query = RunQuery.flowRuns(ws, Body.parse(body));
            List<String> names = query.page(s, FlowRun.class, "r.name", 0, 100).stream().map(RunFiltersTest::name).toList();
            assertEquals(names.size(), query.count(s), "count agrees with the page");
            return names;
        }));
    }

    static List<String> taskRuns(String body) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            RunQuery query = RunQuery.taskRuns(ws, Body.parse(body));
            List<String> names = query.page(s, TaskRun.class, "r.name", 0, 100).stream().map(RunFiltersTest::name).toList();
            assertEquals(names.size(), query.count(s), "count agrees with the page");
            return names;
        }));
    }

    static List<String> flows(String body) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            FlowFilter filter = new FlowFilter(Body.parse(body));
            List<String> names = filter.page(s, FlowSort.NAME_ASC, 0, 100).stream().map(Flow::getName).toList();
            assertEquals(names.size(), filter.count(s));
            return names;
        }));
    }

    static String runs(String flowRunFilter) {
        return "{\"flow_runs\":" + flowRunFilter + "}";
    }

    @Test
    void noFilterAndEmptyFiltersSelectEverythingOfTheWorkspace() {
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns("{}"));
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns(runs("{\"operator\":\"and_\",\"id\":null,\"name\":null}")));
        assertEquals(List.of("extract-0", "load-0", "solo", "waiting"), taskRuns("{\"task_runs\":{\"operator\":\"and_\"}}"));
        assertEquals(List.of("etl", "lonely", "report"), flows("{\"flows\":{}}"));
    }

    @Test
    void flowRunIdsNamesAndKeys() {
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"id\":{\"any_\":[\"" + r1 + "\"]}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"id\":{\"not_any_\":[\"" + r1 + "\"]}}")));
        assertEquals(List.of(), flowRuns(runs("{\"id\":{\"any_\":[]}}")), "any_ [] matches nothing");
        assertEquals(3, flowRuns(runs("{\"id\":{\"not_any_\":[]}}")).size(), "not_any_ [] excludes nothing");
        assertEquals(List.of("Beta"), flowRuns(runs("{\"name\":{\"any_\":[\"Beta\"]}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"name\":{\"like_\":\"PHA\"}}")), "like_ is case-insensitive");
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns(runs("{\"name\":{\"like_\":\"\"}}")));
        assertEquals(List.of("alpha-run", "gamma_%"), flowRuns(runs("{\"name\":{\"like_\":\"a_\"}}")), "_ is a wildcard, as in Prefect");
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"idempotency_key\":{\"any_\":[\"k1\"]}}")));
        assertEquals(List.of(), flowRuns(runs("{\"idempotency_key\":{\"not_any_\":[\"k1\"]}}")),
                "runs without a key are not 'not k1' (SQL's NULL, as in Prefect)");
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"flow_version\":{\"any_\":[\"1.0\"]}}")));
    }

    @Test
    void flowRunTags() {
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"tags\":{\"all_\":[\"x\",\"y\"]}}")));
        assertEquals(List.of("alpha-run", "gamma_%"), flowRuns(runs("{\"tags\":{\"any_\":[\"y\",\"nope\"]}}")));
        assertEquals(List.of(), flowRuns(runs("{\"tags\":{\"any_\":[]}}")));
        assertEquals(List.of("Beta"), flowRuns(runs("{\"tags\":{\"is_null_\":true}}")));
        assertEquals(List.of("alpha-run", "gamma_%"), flowRuns(runs("{\"tags\":{\"is_null_\":false}}")));
        assertEquals(List.of("Beta", "alpha-run"), flowRuns(runs("{\"tags\":{\"operator\":\"or_\",\"all_\":[\"x\"],\"is_null_\":true}}")));
    }

    @Test
    void flowRunStates() {
        assertEquals(List.of("Beta"), flowRuns(runs("{\"state\":{\"type\":{\"any_\":[\"FAILED\"]}}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"state\":{\"type\":{\"not_any_\":[\"COMPLETED\"]}}}")));
        assertEquals(List.of("gamma_%"), flowRuns(runs("{\"state\":{\"name\":{\"any_\":[\"Late\"]}}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"state\":{\"name\":{\"not_any_\":[\"Late\",\"Failed\"]}}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs(
                "{\"state\":{\"operator\":\"or_\",\"type\":{\"any_\":[\"FAILED\"]},\"name\":{\"any_\":[\"Late\"]}}}")));
        assertEquals(List.of("Beta"), flowRuns(runs(
                "{\"state\":{\"operator\":\"or_\",\"type\":{\"any_\":[\"FAILED\"]},\"name\":{}}}")),
                "an empty state part is left out, under or_ too");
        Problem bad = assertThrows(Problem.class, () -> flowRuns(runs("{\"state\":{\"type\":{\"any_\":[\"RUNNING\",\"NOPE\"]}}}")));
        assertTrue(bad.detail().toString().contains("\"flow_runs\",\"state\",\"type\",\"any_\",\"1\""), bad.detail().toString());
    }

    @Test
    void flowRunTimes() {
        String t5 = "\"" + T0.plusSeconds(5) + "\"";
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"start_time\":{\"before_\":" + t5 + "}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"start_time\":{\"after_\":" + t5 + "}}")),
                "a run not started counts from its expected start");
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"start_time\":{\"is_null_\":true}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"end_time\":{\"is_null_\":false,\"after_\":" + t5 + "}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"end_time\":{\"is_null_\":true}}")));
        assertEquals(List.of("Beta", "alpha-run"), flowRuns(runs("{\"expected_start_time\":{\"before_\":\"" + T0.plusSeconds(10) + "\"}}")));
        assertEquals(List.of("gamma_%"), flowRuns(runs("{\"next_scheduled_start_time\":{\"after_\":\"" + T0.plusSeconds(30) + "\"}}")));
        assertEquals(List.of(), flowRuns(runs("{\"next_scheduled_start_time\":{\"before_\":\"" + T0.plusSeconds(29) + "\"}}")));
    }

    @Test
    void flowRunDeploymentQueueCreatorAndParents() {
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"deployment_id\":{\"any_\":[\"" + DEPLOYMENT.toUpperCase() + "\"]}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"deployment_id\":{\"is_null_\":true}}")));
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns(runs(
                "{\"deployment_id\":{\"operator\":\"or_\",\"any_\":[\"" + DEPLOYMENT + "\"],\"is_null_\":true}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"work_queue_name\":{\"any_\":[\"q1\"]}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"work_queue_name\":{\"is_null_\":false}}")));
        assertEquals(List.of("alpha-run"), flowRuns(runs("{\"created_by\":{\"id_\":[\"" + CREATOR + "\"],\"type_\":[\"DEPLOYMENT\"]}}")));
        assertEquals(List.of("Beta", "gamma_%"), flowRuns(runs("{\"created_by\":{\"is_null_\":true}}")));
        assertEquals(List.of("Beta"), flowRuns(runs("{\"parent_task_run_id\":{\"any_\":[\"" + t1 + "\"]}}")));
        assertEquals(List.of("alpha-run", "gamma_%"), flowRuns(runs("{\"parent_task_run_id\":{\"is_null_\":true}}")));
        assertEquals(List.of("Beta"), flowRuns(runs("{\"parent_flow_run_id\":{\"any_\":[\"" + r1 + "\"]}}")), "subflows of r1");
        assertEquals(List.of(), flowRuns(runs("{\"parent_flow_run_id\":{\"any_\":[\"" + r3 + "\"]}}")));
    }

    @Test
    void operatorOrJoinsTheParts() {
        assertEquals(List.of("Beta", "alpha-run"), flowRuns(runs("{\"operator\":\"or_\",\"name\":{\"any_\":[\"Beta\"]},"
                + "\"id\":{\"any_\":[\"" + r1 + "\"]}}")));
        assertEquals(List.of(), flowRuns(runs("{\"operator\":\"and_\",\"name\":{\"any_\":[\"Beta\"]},\"id\":{\"any_\":[\"" + r1 + "\"]}}")));
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns(runs("{\"operator\":\"or_\",\"name\":{\"any_\":[\"Beta\"]},\"id\":{}}")),
                "an empty part is TRUE, which or_ takes whole (Prefect's sa.or_ with sa.true())");
        assertEquals(List.of("extract-0", "solo", "waiting"), taskRuns("{\"task_runs\":{\"operator\":\"or_\","
                + "\"state\":{\"type\":{\"any_\":[\"COMPLETED\"]}},\"name\":{\"any_\":[\"waiting\"]}}}"));
        assertEquals(List.of("etl", "report"), flows("{\"flows\":{\"operator\":\"or_\",\"name\":{\"any_\":[\"report\"]},"
                + "\"tags\":{\"all_\":[\"nightly\"]}}}"));
        Problem bad = assertThrows(Problem.class, () -> flowRuns(runs("{\"tags\":{\"operator\":\"xor_\"}}")));
        assertTrue(bad.detail().toString().contains("Input should be 'and_' or 'or_'"), bad.detail().toString());
    }

    @Test
    void taskRunParts() {
        assertEquals(List.of("extract-0"), taskRuns("{\"task_runs\":{\"id\":{\"any_\":[\"" + t1 + "\"]}}}"));
        assertEquals(List.of("extract-0", "load-0"), taskRuns("{\"task_runs\":{\"name\":{\"like_\":\"-0\"}}}"));
        assertEquals(List.of("extract-0"), taskRuns("{\"task_runs\":{\"tags\":{\"all_\":[\"a\",\"b\"]}}}"));
        assertEquals(List.of("load-0", "waiting"), taskRuns("{\"task_runs\":{\"tags\":{\"is_null_\":true}}}"));
        assertEquals(List.of("solo"), taskRuns("{\"task_runs\":{\"state\":{\"name\":{\"any_\":[\"Cached\"]}}}}"));
        assertEquals(List.of("extract-0", "load-0", "solo"), taskRuns("{\"task_runs\":{\"state\":{\"type\":{\"any_\":[\"COMPLETED\",\"RUNNING\"]}}}}"));
        assertEquals(List.of("load-0"), taskRuns("{\"task_runs\":{\"start_time\":{\"after_\":\"" + T0.plusSeconds(3)
                + "\",\"before_\":\"" + T0.plusSeconds(5) + "\"}}}"));
        assertEquals(List.of("waiting"), taskRuns("{\"task_runs\":{\"start_time\":{\"is_null_\":true}}}"));
        assertEquals(List.of("load-0", "waiting"), taskRuns("{\"task_runs\":{\"end_time\":{\"is_null_\":true}}}"));
        assertEquals(List.of("extract-0"), taskRuns("{\"task_runs\":{\"expected_start_time\":{\"before_\":\"" + T0.plusSeconds(2) + "\"}}}"));
        assertEquals(List.of("extract-0"), taskRuns("{\"task_runs\":{\"subflow_runs\":{\"exists_\":true}}}"));
        assertEquals(List.of("load-0", "solo", "waiting"), taskRuns("{\"task_runs\":{\"subflow_runs\":{\"exists_\":false}}}"));
    }

    @Test
    void taskRunFlowRunIdIsNullDefaultsToFalse() {
        assertEquals(List.of("extract-0", "load-0", "waiting"), taskRuns("{\"task_runs\":{\"flow_run_id\":{}}}"),
                "absent is_null_ is false: only task runs of a flow run");
        assertEquals(List.of("extract-0", "load-0", "solo", "waiting"), taskRuns("{\"task_runs\":{\"flow_run_id\":{\"is_null_\":null}}}"));
        assertEquals(List.of("solo"), taskRuns("{\"task_runs\":{\"flow_run_id\":{\"is_null_\":true,\"any_\":[\"" + r1 + "\"]}}}"));
        assertEquals(List.of("extract-0", "load-0"), taskRuns("{\"task_runs\":{\"flow_run_id\":{\"any_\":[\"" + r1 + "\"]}}}"));
    }

    @Test
    void crossFiltersAreExistsQueries() {
        // flow runs by their flow and by their task runs
        assertEquals(List.of("Beta", "alpha-run"), flowRuns("{\"flows\":{\"name\":{\"any_\":[\"etl\"]}}}"));
        assertEquals(List.of("alpha-run"), flowRuns("{\"task_runs\":{\"state\":{\"type\":{\"any_\":[\"RUNNING\"]}}}}"));
        assertEquals(List.of("alpha-run", "gamma_%"), flowRuns("{\"task_runs\":{}}"), "runs that have task runs");
        assertEquals(List.of(), flowRuns("{\"flows\":{\"name\":{\"any_\":[\"report\"]}},\"task_runs\":{\"name\":{\"any_\":[\"load-0\"]}}}"));
        // task runs by their flow run and flow; an empty flow_runs filter drops those without a flow run
        assertEquals(List.of("extract-0", "load-0"), taskRuns("{\"flow_runs\":{\"id\":{\"any_\":[\"" + r1 + "\"]}}}"));
        assertEquals(List.of("extract-0", "load-0", "waiting"), taskRuns("{\"flow_runs\":{}}"));
        assertEquals(List.of("waiting"), taskRuns("{\"flows\":{\"name\":{\"any_\":[\"report\"]}}}"));
        assertEquals(List.of("extract-0", "load-0"), taskRuns("{\"flow_runs\":{\"tags\":{\"all_\":[\"x\"]}},\"flows\":{\"tags\":{\"all_\":[\"nightly\"]}}}"));
        // flows by their runs and task runs; flows without runs drop out of an empty flow_runs filter
        assertEquals(List.of("etl", "report"), flows("{\"flow_runs\":{}}"));
        assertEquals(List.of("report"), flows("{\"flow_runs\":{\"state\":{\"name\":{\"any_\":[\"Late\"]}}}}"));
        assertEquals(List.of("etl"), flows("{\"task_runs\":{\"name\":{\"any_\":[\"load-0\"]}}}"));
        assertEquals(List.of(), flows("{\"flow_runs\":{\"name\":{\"any_\":[\"gamma_%\"]}},\"task_runs\":{\"name\":{\"any_\":[\"load-0\"]}}}"));
    }

    @Test
    void deploymentsMatchNothingYetRunsAreFilteredByTheirQueueAndPool() {
        assertEquals(List.of(), flowRuns("{\"deployments\":{}}"));
        assertEquals(List.of(), flowRuns("{\"deployments\":{\"id\":{\"any_\":[\"" + DEPLOYMENT + "\"]}}}"));
        assertEquals(List.of(), flowRuns("{\"work_pools\":{\"name\":{\"any_\":[\"p\"]}}}"));
        assertEquals(List.of("alpha-run"), flowRuns("{\"work_pools\":{\"name\":{\"any_\":[\"pool-a\"]}}}"));
        assertEquals(List.of("alpha-run"), flowRuns("{\"work_pools\":{\"operator\":\"or_\",\"type\":{\"any_\":[\"docker\"]},"
                + "\"name\":{\"any_\":[\"pool-a\"]}}}"));
        assertEquals(List.of(), flowRuns("{\"work_pools\":{\"type\":{\"any_\":[\"docker\"]},\"name\":{\"any_\":[\"pool-a\"]}}}"));
        assertEquals(List.of("alpha-run"), flowRuns("{\"work_pool_queues\":{\"name\":{\"startswith_\":[\"q-M\"]}}}"),
                "starts with, whatever the case");
        assertEquals(List.of(), flowRuns("{\"work_pool_queues\":{\"name\":{\"startswith_\":[\"main\"]}}}"));
        assertEquals(List.of("alpha-run"), flowRuns("{\"work_pool_queues\":{}}"), "runs that have a queue");
        assertEquals(List.of(), flowRuns("{\"work_pool_queues\":{\"id\":{\"any_\":[]}}}"));
        assertEquals(List.of("Beta", "alpha-run", "gamma_%"), flowRuns("{\"deployments\":null,\"work_pools\":null}"));
        assertEquals(List.of(), taskRuns("{\"deployments\":{\"operator\":\"or_\"}}"));
        assertEquals(List.of(), flows("{\"work_pools\":{}}"));
        assertEquals(List.of("etl", "lonely", "report"), flows("{\"flows\":{\"deployment\":{\"is_null_\":true}}}"));
        assertEquals(List.of(), flows("{\"flows\":{\"deployment\":{\"is_null_\":false}}}"));
        assertThrows(Problem.class, () -> flowRuns("{\"deployments\":{\"paused\":{\"eq_\":\"yes\"}}}"));
        assertThrows(Problem.class, () -> flowRuns("{\"work_pools\":{\"nope\":{}}}"));
        assertThrows(Problem.class, () -> flowRuns("{\"deployments\":{\"id\":{\"any_\":[\"not-a-uuid\"]}}}"));
    }

    @Test
    void flowParts() {
        assertEquals(List.of("etl"), flows("{\"flows\":{\"id\":{\"any_\":[\"" + etl + "\"]}}}"));
        assertEquals(List.of("lonely", "report"), flows("{\"flows\":{\"id\":{\"not_any_\":[\"" + etl + "\"]}}}"));
        assertEquals(List.of("lonely", "report"), flows("{\"flows\":{\"name\":{\"like_\":\"O\"}}}"));
        assertEquals(List.of("etl", "lonely"), flows("{\"flows\":{\"tags\":{\"all_\":[\"a\"]}}}"));
        assertEquals(List.of("report"), flows("{\"flows\":{\"tags\":{\"is_null_\":true}}}"));
        assertEquals(List.of("etl", "lonely"), flows("{\"flows\":{\"tags\":{\"is_null_\":false}}}"));
        assertThrows(Problem.class, () -> flows("{\"flows\":{\"tags\":{\"any_\":[\"a\"]}}}"), "Prefect's FlowFilterTags has no any_");
    }

    @Test
    void historyTakesTheSameFilters() {
        String range = "\"history_start\":\"" + T0 + "\",\"history_end\":\"" + T0.plusSeconds(60) + "\",\"history_interval_seconds\":60";
        long runs = TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> FlowRunStore.of(s).history(ws, Body.parse(
                "{" + range + ",\"flow_runs\":{\"operator\":\"or_\",\"state\":{\"type\":{\"any_\":[\"FAILED\"]}},"
                        + "\"tags\":{\"all_\":[\"x\"]}},\"work_queues\":null}"))))
                .getJsonObject(0).getJsonArray("states").stream()
                .mapToLong(st -> st.asJsonObject().getJsonNumber("count_runs").longValue()).sum();
        assertEquals(2, runs);
    }
}
