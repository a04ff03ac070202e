package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Prefect's deployments API on the real WAR: the upsert, reads, filters, updates and their events, runs made from a
 * deployment with its parameter schema enforced, schedules, the scheduler (made runs, idempotence), pause and delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentsApiIT {
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
            + "\"who\":{\"type\":\"string\"}},\"required\":[\"x\"]}";
    Api api;
    String flowId;

    @BeforeAll
    void workspace() {
        String ws = Workspaces.create("deployments");
        api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        flowId = api.post("/flows/", "{\"name\":\"etl\"}").expect(201).object().getString("id");
    }

    JsonObject deploy(String name, String extra) {
        return api.post("/deployments/", "{\"name\":\"" + name + "\",\"flow_id\":\"" + flowId + "\""
                + (extra.isEmpty() ? "" : "," + extra) + "}").object();
    }

    JsonArray runsOf(String deploymentId) {
        return api.post("/flow_runs/filter", "{\"flow_runs\":{\"deployment_id\":{\"any_\":[\"" + deploymentId + "\"]}},"
                + "\"sort\":\"EXPECTED_START_TIME_ASC\"}").expect(200).array();
    }

    @Test
    void upsertByFlowAndNameReadsFiltersAndUpdateEvents() {
        JsonObject created = api.post("/deployments/", "{\"name\":\"nightly\",\"flow_id\":\"" + flowId + "\","
                + "\"tags\":[\"a\"],\"version\":\"1\",\"parameter_openapi_schema\":" + SCHEMA + "}").expect(201).object();
        String id = created.getString("id");
        assertEquals("NOT_READY", created.getString("status"));
        assertEquals(flowId, created.getJsonObject("labels").getString("prefect.flow.id"));
        JsonObject again = api.post("/deployments/", "{\"name\":\"nightly\",\"flow_id\":\"" + flowId + "\","
                + "\"version\":\"2\",\"description\":\"d\"}").expect(200).object();
        assertEquals(id, again.getString("id"));
        assertEquals(created.getString("created"), again.getString("created"));
        assertEquals("[\"a\"]", again.get("tags").toString(), "a field the upsert leaves out keeps its value");
        assertEquals("2", api.get("/deployments/" + id).expect(200).object().getString("version"));
        assertEquals(id, api.get("/deployments/name/etl/nightly").expect(200).object().getString("id"));
        api.get("/deployments/name/etl/nope").expect(404);
        api.get("/deployments/not-a-uuid").expect(404);

        assertEquals(1, api.post("/deployments/filter", "{\"deployments\":{\"name\":{\"like_\":\"NIGHT\"}}}").expect(200).array().size());
        assertEquals(1, api.post("/deployments/filter", "{\"deployments\":{\"flow_or_deployment_name\":{\"like_\":\"et\"}},"
                + "\"flows\":{\"name\":{\"any_\":[\"etl\"]}},\"deployments\":{\"tags\":{\"all_\":[\"a\"]}}}").expect(200).array().size());
        assertEquals("0", api.post("/deployments/count", "{\"deployments\":{\"paused\":{\"eq_\":true},\"id\":{\"any_\":[\"" + id + "\"]}}}")
                .expect(200).body());
        JsonObject page = api.post("/deployments/paginate", "{\"limit\":1,\"deployments\":{\"id\":{\"any_\":[\"" + id + "\"]}}}").expect(200).object();
        assertEquals(1, page.getInt("count"));
        assertEquals(1, page.getInt("pages"));
        api.post("/deployments/filter", "{\"sort\":\"SIDEWAYS\"}").expect(422);
        assertEquals(1, api.post("/flows/filter", "{\"flows\":{\"deployment\":{\"is_null_\":false}},"
                + "\"deployments\":{\"id\":{\"any_\":[\"" + id + "\"]}}}").expect(200).array().size());

        api.patch("/deployments/" + id, "{\"description\":\"new\",\"tags\":[\"a\",\"b\"]}").expect(204);
        JsonArray events = api.post("/events/filter", "{\"filter\":{\"event\":{\"name\":[\"prefect.deployment.updated\"]},"
                + "\"resource\":{\"id\":[\"prefect.deployment." + id + "\"]},\"order\":\"ASC\"}}").expect(200).object().getJsonArray("events");
        assertEquals(2, events.size(), "the upsert's update and the PATCH");
        JsonObject payload = events.getJsonObject(1).getJsonObject("payload");
        assertEquals("[\"description\",\"tags\"]", payload.get("updated_fields").toString());
        assertEquals("\"d\"", payload.getJsonObject("updates").getJsonObject("description").get("from").toString());
        assertEquals("[\"a\",\"b\"]", payload.getJsonObject("updates").getJsonObject("tags").get("to").toString());
        assertEquals("flow", events.getJsonObject(1).getJsonArray("related").getJsonObject(0).getString("prefect.resource.role"));
        api.patch("/deployments/" + id, "{\"nonsense\":1}").expect(422);
    }

    @Test
    void runsFromADeploymentTakeItsParametersTagsAndVersionAndMeetItsSchema() {
        String id = deploy("runs", "\"tags\":[\"dep\"],\"version\":\"7\",\"parameters\":{\"x\":1,\"who\":\"a\"},"
                + "\"parameter_openapi_schema\":" + SCHEMA).getString("id");
        JsonObject run = api.post("/deployments/" + id + "/create_flow_run", "{\"parameters\":{\"who\":\"b\"},\"tags\":[\"mine\"]}")
                .expect(201).object();
        assertEquals("{\"x\":1,\"who\":\"b\"}", run.get("parameters").toString());
        assertEquals(List.of("dep", "mine"), run.getJsonArray("tags").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals("7", run.getString("deployment_version"));
        assertEquals(id, run.getString("deployment_id"));
        assertEquals("SCHEDULED", run.getJsonObject("state").getString("type"));
        assertEquals(id, run.getJsonObject("labels").getString("prefect.deployment.id"));
        assertEquals(1, runsOf(id).size());
        // a runner (flow.serve()) polls for due runs: the deployment turns READY, its last poll kept, updated not
        String updated = api.get("/deployments/" + id).object().getString("updated");
        assertEquals(List.of(run.getString("id")), api.post("/deployments/get_scheduled_flow_runs", "{\"deployment_ids\":[\""
                + id + "\"]}").expect(200).array().stream().map(r -> r.asJsonObject().getString("id")).toList());
        JsonObject polled = api.get("/deployments/" + id).object();
        assertEquals("READY", polled.getString("status"));
        assertFalse(polled.isNull("last_polled"));
        assertEquals(updated, polled.getString("updated"));
        // its state event is related to the deployment, after the flow, as Prefect relates it, and to its tags
        JsonObject scheduled = api.post("/events/filter", "{\"filter\":{\"event\":{\"name\":[\"prefect.flow-run.Scheduled\"]},"
                + "\"resource\":{\"id\":[\"prefect.flow-run." + run.getString("id") + "\"]}}}").expect(200).object()
                .getJsonArray("events").getJsonObject(0);
        List<String> related = scheduled.getJsonArray("related").stream()
                .map(r -> r.asJsonObject().getString("prefect.resource.id")).toList();
        assertEquals("prefect.deployment." + id, related.get(1), related.toString());
        assertEquals("deployment", scheduled.getJsonArray("related").getJsonObject(1).getString("prefect.resource.role"));
        assertTrue(related.containsAll(List.of("prefect.tag.dep", "prefect.tag.mine")), related.toString());

        String detail = api.post("/deployments/" + id + "/create_flow_run", "{\"parameters\":{\"x\":\"one\"}}").expect(422).detail();
        assertTrue(detail.contains("Validation failed for field 'x'"), detail);
        api.post("/deployments/" + id + "/create_flow_run", "{\"parameters\":{\"x\":\"one\"},\"enforce_parameter_schema\":false}").expect(201);
        String patched = api.patch("/deployments/" + id, "{\"parameters\":{\"x\":\"one\"}}").expect(422).detail();
        assertTrue(patched.contains("Validation failed for field 'x'"), patched);
        String bad = api.post("/deployments/", "{\"name\":\"bad\",\"flow_id\":\"" + flowId + "\",\"parameters\":{\"x\":[]},"
                + "\"parameter_openapi_schema\":" + SCHEMA + "}").expect(422).body();
        assertTrue(bad.contains("Validation failed for field 'x'"), bad);
        String noPool = api.post("/deployments/", "{\"name\":\"nowhere\",\"flow_id\":\"" + flowId + "\","
                + "\"work_pool_name\":\"no-such-pool\"}").expect(422).body();
        assertTrue(noPool.contains("Work pool \\\"no-such-pool\\\" not found") && noPool.contains("work_pool_name"), noPool);
        api.post("/deployments/00000000-0000-0000-0000-000000000000/create_flow_run", "{}").expect(404);
    }

    @Test
    void schedulesMakeRunsOnceAndTheSchedulerFillsTheHorizon() throws Exception {
        String anchor = Instant.now().plusSeconds(600).toString();
        String id = deploy("hourly", "\"schedules\":[{\"schedule\":{\"interval\":3600,\"anchor_date\":\"" + anchor + "\"}}]")
                .getString("id");
        JsonArray schedules = api.get("/deployments/" + id + "/schedules").expect(200).array();
        assertEquals(1, schedules.size());
        // the scheduler (every second in the test stack) makes Prefect's minimum: 3 runs, an hour ahead at least
        long deadline = System.currentTimeMillis() + 15_000;
        while (runsOf(id).size() < 3) {
            assertTrue(System.currentTimeMillis() < deadline, "the scheduler made no runs");
            Thread.sleep(200);
        }
        JsonArray runs = runsOf(id);
        assertEquals(anchor, Instant.parse(runs.getJsonObject(0).getString("expected_start_time")).toString());
        assertTrue(runs.getJsonObject(0).getBoolean("auto_scheduled"));
        assertEquals("SCHEDULE", runs.getJsonObject(0).getJsonObject("created_by").getString("type"));
        int made = runs.size();
        api.post("/deployments/" + id + "/schedule", "{\"max_runs\":5,\"min_time\":36000}").expect(200);
        api.post("/deployments/" + id + "/schedule", "{\"max_runs\":5,\"min_time\":36000}").expect(200);
        assertEquals(Math.max(made, 5), runsOf(id).size(), "a run is made once however often it is scheduled");

        String scheduleId = schedules.getJsonObject(0).getString("id");
        api.patch("/deployments/" + id + "/schedules/" + scheduleId, "{\"active\":false}").expect(204);
        assertEquals(0, runsOf(id).size(), "a changed schedule takes its future runs away");
        assertFalse(api.get("/deployments/" + id + "/schedules").array().isEmpty(), "an inactive schedule stays");
        String cron = api.post("/deployments/" + id + "/schedules", "[{\"schedule\":{\"cron\":\"0 61 * * *\"}}]").expect(422).body();
        assertTrue(cron.contains("Invalid cron string"), cron);
        String zone = api.post("/deployments/" + id + "/schedules",
                "[{\"schedule\":{\"cron\":\"0 9 * * *\",\"timezone\":\"Nowhere/City\"}}]").expect(422).body();
        assertTrue(zone.contains("Invalid timezone"), zone);
        JsonArray added = api.post("/deployments/" + id + "/schedules",
                "[{\"schedule\":{\"rrule\":\"FREQ=DAILY\",\"timezone\":\"Europe/Paris\"},\"slug\":\"daily\"}]").expect(201).array();
        assertEquals("daily", added.getJsonObject(0).getString("slug"));
        api.post("/deployments/" + id + "/schedules", "[{\"schedule\":{\"interval\":60},\"slug\":\"daily\"}]").expect(409);
        api.delete("/deployments/" + id + "/schedules/" + scheduleId).expect(204);
        api.delete("/deployments/" + id + "/schedules/" + scheduleId).expect(404);
    }

    @Test
    void pauseTakesAutoScheduledRunsAwayAndDeleteTheRest() {
        String id = deploy("paused", "\"schedules\":[{\"schedule\":{\"interval\":3600}}]").getString("id");
        api.post("/deployments/" + id + "/schedule", "{}").expect(200);
        api.post("/deployments/" + id + "/create_flow_run", "{}").expect(201);
        assertTrue(runsOf(id).size() > 1);
        api.post("/deployments/" + id + "/pause_deployment", "").expect(200);
        assertTrue(api.get("/deployments/" + id).object().getBoolean("paused"));
        assertEquals(1, runsOf(id).size(), "only the run made by hand stays");
        api.post("/deployments/" + id + "/schedule", "{}").expect(200);
        assertEquals(1, runsOf(id).size(), "a paused deployment gets no runs");
        api.post("/deployments/" + id + "/resume_deployment", "").expect(200);
        assertFalse(api.get("/deployments/" + id).object().getBoolean("paused"));

        api.delete("/deployments/" + id).expect(204);
        api.get("/deployments/" + id).expect(404);
        assertEquals(0, runsOf(id).size(), "a deleted deployment takes its scheduled runs");
        JsonArray deleted = api.post("/events/filter", "{\"filter\":{\"event\":{\"name\":[\"prefect.deployment.deleted\"]},"
                + "\"resource\":{\"id\":[\"prefect.deployment." + id + "\"]}}}").expect(200).object().getJsonArray("events");
        assertEquals(1, deleted.size());
        assertEquals(JsonValue.ValueType.OBJECT, deleted.getJsonObject(0).get("payload").getValueType());
    }

    JsonObject setState(String runId, String state) {
        return api.post("/flow_runs/" + runId + "/set_state", "{\"state\":" + state + "}").object();
    }

    String newRun(String deploymentId) {
        return api.post("/deployments/" + deploymentId + "/create_flow_run", "{}").expect(201).object().getString("id");
    }

    @Test
    void deploymentConcurrencyEnqueuesOrCancelsRunsPastItsLimit() {
        JsonObject enqueue = deploy("one-at-a-time", "\"concurrency_limit\":1");
        assertEquals(1, enqueue.getJsonObject("global_concurrency_limit").getInt("limit"));
        assertEquals("deployment:" + enqueue.getString("id"), enqueue.getJsonObject("global_concurrency_limit").getString("name"));
        String first = newRun(enqueue.getString("id"));
        String second = newRun(enqueue.getString("id"));
        JsonObject pending = setState(first, "{\"type\":\"PENDING\"}");
        assertEquals("ACCEPT", pending.getString("status"));
        String lease = pending.getJsonObject("state").getJsonObject("state_details").getString("deployment_concurrency_lease_id");
        JsonObject waiting = setState(second, "{\"type\":\"PENDING\"}");
        assertEquals("REJECT", waiting.getString("status"));
        assertEquals("AwaitingConcurrencySlot", waiting.getJsonObject("state").getString("name"));
        assertEquals("Deployment concurrency limit reached.", waiting.getJsonObject("details").getString("reason"));
        JsonObject running = setState(first, "{\"type\":\"RUNNING\"}");
        assertEquals(lease, running.getJsonObject("state").getJsonObject("state_details").getString("deployment_concurrency_lease_id"),
                "the slot's lease goes with the run from PENDING to RUNNING");
        assertEquals("1", api.get("/v2/concurrency_limits/deployment:" + enqueue.getString("id")).object().get("active_slots").toString());
        setState(first, "{\"type\":\"COMPLETED\"}");
        assertEquals("0", api.get("/v2/concurrency_limits/deployment:" + enqueue.getString("id")).object().get("active_slots").toString(),
                "the run's end gives the slot back");
        assertEquals("ACCEPT", setState(second, "{\"type\":\"PENDING\"}").getString("status"));
        // a run cancelled as the CLI cancels it (CANCELLING without the lease, then CANCELLED) gives its slot back too
        setState(second, "{\"type\":\"RUNNING\"}");
        JsonObject cancelling = setState(second, "{\"type\":\"CANCELLING\"}");
        assertTrue(cancelling.getJsonObject("state").getJsonObject("state_details").get("deployment_concurrency_lease_id")
                instanceof jakarta.json.JsonString, "CANCELLING keeps the slot's lease");
        setState(second, "{\"type\":\"CANCELLED\"}");
        assertEquals("0", api.get("/v2/concurrency_limits/deployment:" + enqueue.getString("id")).object().get("active_slots").toString(),
                "the cancelled run's slot is free again");

        JsonObject cancelNew = deploy("cancel-new", "\"concurrency_limit\":1,\"concurrency_options\":{\"collision_strategy\":\"CANCEL_NEW\"}");
        String a = newRun(cancelNew.getString("id"));
        String b = newRun(cancelNew.getString("id"));
        assertEquals("ACCEPT", setState(a, "{\"type\":\"PENDING\"}").getString("status"));
        JsonObject cancelled = setState(b, "{\"type\":\"PENDING\"}");
        assertEquals("REJECT", cancelled.getString("status"));
        assertEquals("CANCELLED", cancelled.getJsonObject("state").getString("type"));
        assertEquals("CANCELLED", api.get("/flow_runs/" + b).object().getString("state_type"));
        api.post("/deployments/", "{\"name\":\"both\",\"flow_id\":\"" + flowId + "\",\"concurrency_limit\":1,"
                + "\"global_concurrency_limit_id\":\"" + cancelNew.getJsonObject("global_concurrency_limit").getString("id") + "\"}")
                .expect(422);
        api.patch("/deployments/" + cancelNew.getString("id"), "{\"concurrency_limit\":null}").expect(204);
        api.get("/v2/concurrency_limits/deployment:" + cancelNew.getString("id")).expect(404);

        // a deployment that takes a global limit instead of its own shows that limit, and its own is gone
        String shared = api.post("/v2/concurrency_limits/", "{\"name\":\"shared-dep-limit\",\"limit\":3}").expect(201)
                .object().getString("id");
        api.patch("/deployments/" + enqueue.getString("id"), "{\"global_concurrency_limit_id\":\"" + shared + "\"}").expect(204);
        JsonObject switched = api.get("/deployments/" + enqueue.getString("id")).expect(200).object();
        assertEquals(shared, switched.getJsonObject("global_concurrency_limit").getString("id"));
        assertEquals(3, switched.getJsonObject("global_concurrency_limit").getInt("limit"));
        api.get("/v2/concurrency_limits/deployment:" + enqueue.getString("id")).expect(404);
    }

    @Test
    void deploysOfOneNameAtOnceUpdateOneDeployment() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Api.Reply>> replies = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int version = i;
            replies.add(pool.submit(() -> api.post("/deployments/", "{\"name\":\"racing\",\"flow_id\":\"" + flowId
                    + "\",\"version\":\"" + version + "\"}")));
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var reply : replies) {
            Api.Reply r = reply.get();
            assertTrue(r.status() == 200 || r.status() == 201, r.status() + ": " + r.body());
            ids.add(r.object().getString("id"));
        }
        pool.shutdown();
        assertEquals(1, ids.size(), "one deployment, however many deploys raced");
    }

    @Test
    void aScheduledRunPastItsTimeIsMarkedLate() throws Exception {
        String id = deploy("late", "").getString("id");
        String run = api.post("/deployments/" + id + "/create_flow_run", "{\"state\":{\"type\":\"SCHEDULED\","
                + "\"state_details\":{\"scheduled_time\":\"" + Instant.now().minusSeconds(60) + "\"}}}").expect(201)
                .object().getString("id");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!"Late".equals(api.get("/flow_runs/" + run).object().getString("state_name"))) {
            assertTrue(System.currentTimeMillis() < deadline, "the run was never marked late");
            Thread.sleep(250);
        }
        JsonObject late = api.get("/flow_runs/" + run).object();
        assertEquals("SCHEDULED", late.getString("state_type"));
        assertEquals(Instant.parse(late.getString("expected_start_time")), Instant.parse(late.getString("next_scheduled_start_time")));
    }
}
