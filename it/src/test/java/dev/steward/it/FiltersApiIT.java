package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prefect's filters over HTTP, part by part: flow runs, task runs and flows filtered by themselves and by each other
 * ({@code /filter} and {@code /count} agree), {@code or_}, deployment and work pool filters (nothing matches them
 * yet), and the event filters related, any_resource (lists of them), text and distinct.
 */
class FiltersApiIT {
    static final String DEPLOYMENT = "0b6f2a9c-8a47-4d7b-9d1e-4f3c2b1a0a01";
    static Api api;
    static String etl;
    static String r1;
    static String r2;
    static String r3;
    static String t1;
    static String t2;

    @BeforeAll
    static void runs() throws Exception {
        String ws = Workspaces.create("filters");
        String key = Workspaces.issueKey(ws, "developer");
        api = Workspaces.api(ws, key);
        etl = api.post("/flows/", "{\"name\":\"fa-etl\",\"tags\":[\"nightly\"]}").expect(201).object().getString("id");
        String report = api.post("/flows/", "{\"name\":\"fa-report\"}").expect(201).object().getString("id");
        api.post("/flows/", "{\"name\":\"fa-lonely\"}").expect(201);
        r1 = api.post("/flow_runs/", "{\"flow_id\":\"" + etl + "\",\"name\":\"alpha\",\"tags\":[\"x\",\"y\"],\"deployment_id\":\""
                + DEPLOYMENT + "\",\"work_queue_name\":\"q1\",\"flow_version\":\"1.0\",\"idempotency_key\":\"k1\"}")
                .expect(201).object().getString("id");
        state(r1, "RUNNING");
        state(r1, "COMPLETED");
        t1 = api.post("/task_runs/", "{\"flow_run_id\":\"" + r1 + "\",\"task_key\":\"sub\",\"dynamic_key\":\"0\",\"name\":\"sub-0\","
                + "\"tags\":[\"a\"]}").expect(201).object().getString("id");
        r2 = api.post("/flow_runs/", "{\"flow_id\":\"" + etl + "\",\"name\":\"beta\",\"parent_task_run_id\":\"" + t1 + "\"}")
                .expect(201).object().getString("id");
        state(r2, "RUNNING");
        state(r2, "FAILED");
        r3 = api.post("/flow_runs/", "{\"flow_id\":\"" + report + "\",\"name\":\"gamma\",\"tags\":[\"y\"],\"state\":{\"type\":"
                + "\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\"" + Instant.now().plusSeconds(3600) + "\"}}}")
                .expect(201).object().getString("id");
        t2 = UUID.randomUUID().toString();
        try (EventsIn events = EventsIn.open(ws, key)) {
            events.send(taskRunEvent(r1, t2, "load-0", "RUNNING", "[\"b\"]"));
            events.send(taskRunEvent(null, UUID.randomUUID().toString(), "solo", "COMPLETED", "[]"));
            events.send(taskRunEvent(r3, UUID.randomUUID().toString(), "waiting", "PENDING", "[]"));
            events.confirm();
        }
    }

    static void state(String run, String type) {
        api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"" + type + "\"}}").expect(201);
    }

    static String taskRunEvent(String flowRun, String taskRun, String name, String type, String tags) {
        String now = Instant.now().toString();
        String stateName = type.charAt(0) + type.substring(1).toLowerCase();
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"occurred\":\"" + now + "\",\"event\":\"prefect.task-run." + stateName + "\","
                + "\"resource\":{\"prefect.resource.id\":\"prefect.task-run." + taskRun + "\",\"prefect.resource.name\":\"" + name + "\"},"
                + "\"related\":[" + (flowRun == null ? "" : "{\"prefect.resource.id\":\"prefect.flow-run." + flowRun
                + "\",\"prefect.resource.role\":\"flow-run\"},") + "{\"prefect.resource.id\":\"prefect.tag.it\",\"prefect.resource.role\":\"tag\"}],"
                + "\"payload\":{\"validated_state\":{\"type\":\"" + type + "\",\"name\":\"" + stateName + "\"},"
                + "\"task_run\":{\"name\":\"" + name + "\",\"task_key\":\"" + name + "\",\"dynamic_key\":\"0\",\"tags\":" + tags + ","
                + "\"expected_start_time\":\"" + now + "\",\"start_time\":" + (type.equals("PENDING") ? "null" : "\"" + now + "\"")
                + ",\"end_time\":" + (type.equals("COMPLETED") ? "\"" + now + "\"" : "null") + "}}}";
    }

    /** The names a filter endpoint returns, sorted; its count endpoint must agree. */
    static List<String> names(String objects, String body) {
        JsonArray found = api.post("/" + objects + "/filter", body).expect(200).array();
        assertEquals(String.valueOf(found.size()), api.post("/" + objects + "/count", body).expect(200).body().trim(),
                objects + "/count of " + body);
        return found.stream().map(o -> o.asJsonObject().getString("name")).sorted().toList();
    }

    static List<String> flowRuns(String flowRunFilter) {
        return names("flow_runs", "{\"flow_runs\":" + flowRunFilter + "}");
    }

    static List<String> taskRuns(String taskRunFilter) {
        return names("task_runs", "{\"task_runs\":" + taskRunFilter + "}");
    }

    @Test
    void flowRunParts() {
        assertEquals(List.of("alpha"), flowRuns("{\"id\":{\"any_\":[\"" + r1 + "\"]}}"));
        assertEquals(List.of("beta", "gamma"), flowRuns("{\"id\":{\"not_any_\":[\"" + r1 + "\"]}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"name\":{\"like_\":\"LPH\"}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"tags\":{\"all_\":[\"x\",\"y\"]}}"));
        assertEquals(List.of("alpha", "gamma"), flowRuns("{\"tags\":{\"any_\":[\"y\"]}}"));
        assertEquals(List.of("beta"), flowRuns("{\"tags\":{\"is_null_\":true}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"deployment_id\":{\"any_\":[\"" + DEPLOYMENT + "\"]}}"));
        assertEquals(List.of("beta", "gamma"), flowRuns("{\"deployment_id\":{\"is_null_\":true}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"work_queue_name\":{\"any_\":[\"q1\"]}}"));
        assertEquals(List.of("beta", "gamma"), flowRuns("{\"work_queue_name\":{\"is_null_\":true}}"));
        assertEquals(List.of("beta", "gamma"), flowRuns("{\"state\":{\"type\":{\"not_any_\":[\"COMPLETED\"]}}}"));
        assertEquals(List.of("alpha", "gamma"), flowRuns("{\"state\":{\"name\":{\"not_any_\":[\"Failed\"]}}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"flow_version\":{\"any_\":[\"1.0\"]}}"));
        assertEquals(List.of("gamma"), flowRuns("{\"start_time\":{\"is_null_\":true}}"));
        assertEquals(List.of("gamma"), flowRuns("{\"start_time\":{\"after_\":\"" + Instant.now().plusSeconds(60) + "\"}}"),
                "not started: its expected start counts");
        assertEquals(List.of("alpha", "beta"), flowRuns("{\"end_time\":{\"is_null_\":false,\"before_\":\"" + Instant.now() + "\"}}"));
        assertEquals(List.of("gamma"), flowRuns("{\"expected_start_time\":{\"after_\":\"" + Instant.now().plusSeconds(60) + "\"}}"));
        // a SCHEDULED run has its scheduled time as next_scheduled_start_time (Prefect's SetNextScheduledStartTime)
        assertEquals(List.of("gamma"), flowRuns("{\"next_scheduled_start_time\":{\"before_\":\"" + Instant.now().plusSeconds(86_400) + "\"}}"));
        assertEquals(List.of("beta"), flowRuns("{\"parent_flow_run_id\":{\"any_\":[\"" + r1 + "\"]}}"));
        assertEquals(List.of("beta"), flowRuns("{\"parent_task_run_id\":{\"any_\":[\"" + t1 + "\"]}}"));
        assertEquals(List.of("alpha", "gamma"), flowRuns("{\"parent_task_run_id\":{\"is_null_\":true}}"));
        assertEquals(List.of("alpha"), flowRuns("{\"idempotency_key\":{\"any_\":[\"k1\"]}}"));
        assertEquals(List.of("alpha", "beta", "gamma"), flowRuns("{\"created_by\":{\"is_null_\":true}}"));
    }

    @Test
    void operatorOrEverywhere() {
        assertEquals(List.of("alpha", "beta"), flowRuns("{\"operator\":\"or_\",\"name\":{\"any_\":[\"beta\"]},\"tags\":{\"all_\":[\"x\"]}}"));
        assertEquals(List.of(), flowRuns("{\"operator\":\"and_\",\"name\":{\"any_\":[\"beta\"]},\"tags\":{\"all_\":[\"x\"]}}"));
        assertEquals(List.of("alpha", "gamma"), flowRuns("{\"tags\":{\"operator\":\"or_\",\"all_\":[\"x\"],\"is_null_\":false}}"));
        assertEquals(List.of("beta", "gamma"), flowRuns("{\"state\":{\"operator\":\"or_\",\"type\":{\"any_\":[\"FAILED\"]},"
                + "\"name\":{\"any_\":[\"Scheduled\"]}}}"));
        assertEquals(List.of("alpha", "beta", "gamma"), flowRuns("{\"deployment_id\":{\"operator\":\"or_\",\"any_\":[\""
                + DEPLOYMENT + "\"],\"is_null_\":true}}"));
        assertEquals(List.of("load-0", "solo"), taskRuns("{\"operator\":\"or_\",\"name\":{\"any_\":[\"solo\"]},"
                + "\"tags\":{\"all_\":[\"b\"]}}"));
        assertEquals(List.of("fa-etl", "fa-lonely"), names("flows", "{\"flows\":{\"operator\":\"or_\",\"name\":{\"any_\":[\"fa-lonely\"]},"
                + "\"tags\":{\"all_\":[\"nightly\"]}}}"));
        api.post("/flow_runs/filter", "{\"flow_runs\":{\"operator\":\"xor_\"}}").expect(422);
    }

    @Test
    void taskRunParts() {
        assertEquals(List.of("load-0"), taskRuns("{\"id\":{\"any_\":[\"" + t2 + "\"]}}"));
        assertEquals(List.of("load-0"), taskRuns("{\"name\":{\"like_\":\"LOAD\"}}"));
        assertEquals(List.of("sub-0"), taskRuns("{\"tags\":{\"all_\":[\"a\"]}}"));
        assertEquals(List.of("solo", "waiting"), taskRuns("{\"tags\":{\"is_null_\":true}}"));
        assertEquals(List.of("load-0"), taskRuns("{\"state\":{\"type\":{\"any_\":[\"RUNNING\"]}}}"));
        assertEquals(List.of("waiting"), taskRuns("{\"state\":{\"name\":{\"any_\":[\"Pending\"]}}}"));
        // sub-0 took its subflow's states (Running, then Failed), and with them a start and an end
        assertEquals(List.of("waiting"), taskRuns("{\"start_time\":{\"is_null_\":true}}"));
        assertEquals(List.of("load-0", "waiting"), taskRuns("{\"end_time\":{\"is_null_\":true}}"));
        assertEquals(List.of("sub-0"), taskRuns("{\"state\":{\"name\":{\"any_\":[\"Failed\"]}}}"));
        assertEquals(List.of("load-0", "solo", "sub-0", "waiting"), taskRuns("{\"expected_start_time\":{\"after_\":\""
                + Instant.now().minusSeconds(3600) + "\",\"before_\":\"" + Instant.now() + "\"}}"));
        assertEquals(List.of(), taskRuns("{\"expected_start_time\":{\"before_\":\"" + Instant.now().minusSeconds(3600) + "\"}}"));
        assertEquals(List.of("sub-0"), taskRuns("{\"subflow_runs\":{\"exists_\":true}}"));
        assertEquals(List.of("load-0", "sub-0", "waiting"), taskRuns("{\"flow_run_id\":{}}"), "is_null_ defaults to false");
        assertEquals(List.of("solo"), taskRuns("{\"flow_run_id\":{\"is_null_\":true}}"));
    }

    @Test
    void crossObjectFilters() {
        assertEquals(List.of("alpha", "beta"), names("flow_runs", "{\"flows\":{\"name\":{\"any_\":[\"fa-etl\"]}}}"));
        assertEquals(List.of("alpha"), names("flow_runs", "{\"task_runs\":{\"state\":{\"type\":{\"any_\":[\"RUNNING\"]}}}}"));
        assertEquals(List.of("load-0", "sub-0"), names("task_runs", "{\"flow_runs\":{\"id\":{\"any_\":[\"" + r1 + "\"]}}}"));
        assertEquals(List.of("waiting"), names("task_runs", "{\"flows\":{\"name\":{\"any_\":[\"fa-report\"]}},\"flow_runs\":{}}"));
        assertEquals(List.of("fa-etl", "fa-report"), names("flows", "{\"flow_runs\":{}}"));
        assertEquals(List.of("fa-etl"), names("flows", "{\"task_runs\":{\"name\":{\"any_\":[\"load-0\"]}}}"));
        assertEquals(List.of("fa-report"), names("flows", "{\"flow_runs\":{\"state\":{\"type\":{\"any_\":[\"SCHEDULED\"]}}}}"));
        assertEquals(List.of("fa-etl", "fa-lonely", "fa-report"), names("flows", "{\"flows\":{\"deployment\":{\"is_null_\":true}},"
                + "\"work_queues\":{\"name\":{\"any_\":[\"q\"]}}}"), "Prefect's client sends work_queues here; Prefect ignores it");
    }

    @Test
    void deploymentAndWorkPoolFiltersMatchNothingYet() {
        assertEquals(List.of(), names("flow_runs", "{\"deployments\":{\"id\":{\"any_\":[\"" + DEPLOYMENT + "\"]}}}"));
        assertEquals(List.of(), names("flow_runs", "{\"work_pools\":{\"name\":{\"any_\":[\"default\"]}}}"));
        assertEquals(List.of(), names("flow_runs", "{\"work_pool_queues\":{\"name\":{\"startswith_\":[\"q\"]}}}"));
        assertEquals(List.of(), names("task_runs", "{\"deployments\":{}}"));
        assertEquals(List.of(), names("flows", "{\"work_pools\":{}}"));
        api.post("/flow_runs/filter", "{\"deployments\":{\"paused\":{\"eq_\":\"maybe\"}}}").expect(422);
        api.post("/task_runs/filter", "{\"work_pools\":{}}").expect(422); // not a filter of task runs in Prefect
    }

    /**
     * Flow-run state events carry their flow as a related resource (alpha and beta: Pending, Running and a final
     * state each); the task-run events sent above carry their flow run (load-0, waiting) and a tag.
     */
    @Test
    void eventFiltersOnRelatedResourcesTextAndDistinct() {
        String range = "\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(3600) + "\",\"until\":\"" + Instant.now().plusSeconds(60) + "\"},";
        assertEquals(6, total(range + "\"related\":{\"id\":[\"prefect.flow." + etl + "\"],\"role\":[\"flow\"]}"));
        assertEquals(2, total(range + "\"related\":{\"role\":[\"flow-run\"]}"));
        assertEquals(1, total(range + "\"related\":{\"resources_in_roles\":[[\"prefect.flow-run." + r1 + "\",\"flow-run\"]]}"));
        assertEquals(2, total(range + "\"related\":{\"labels\":{\"prefect.resource.id\":\"prefect.flow-run.*\"}}"));
        assertEquals(1, total(range + "\"related\":[{\"role\":[\"tag\"]},{\"id\":[\"prefect.flow-run." + r3 + "\"]}]"));
        assertEquals(4, total(range + "\"any_resource\":{\"id\":[\"prefect.flow-run." + r1 + "\"]}"), "its 3 states and load-0");
        assertEquals(6, total(range + "\"any_resource\":[{\"id_prefix\":[\"prefect.task-run.\"]},"
                + "{\"labels\":{\"prefect.resource.role\":\"tag\"}}]"), "3 task-run events, and the subflow beta's 3 "
                + "states, related (as in Prefect) to its parent task run and to its flow's and parent's tags");
        assertEquals(1, total(range + "\"text\":{\"query\":\"LOAD-0\"}"));
        assertEquals(0, total(range + "\"text\":{\"query\":\"solo -prefect.tag.it\"}"));
        assertEquals(1, total(range + "\"text\":{\"query\":\"+solo +completed\"}"));
        JsonObject distinct = api.post("/events/filter", "{\"filter\":{" + range + "\"resource\":{\"distinct\":true,"
                + "\"id_prefix\":[\"prefect.flow-run.\"]}},\"limit\":2}").expect(200).object();
        assertEquals(3, distinct.getInt("total"), "one event per flow run");
        assertEquals(2, distinct.getJsonArray("events").size());
        JsonObject next = api.at("").get(distinct.getString("next_page").replaceFirst("^.*/api/workspaces/[^/]+", "")).expect(200).object();
        assertEquals(1, next.getJsonArray("events").size(), "the next page holds the third run's event");
        api.post("/events/filter", "{\"filter\":{\"related\":{\"resources_in_roles\":[[\"x\"]]}}}").expect(422);
        api.post("/events/filter", "{\"filter\":{\"text\":{\"query\":\"" + "q".repeat(201) + "\"}}}").expect(422);
    }

    static int total(String filter) {
        JsonObject page = api.post("/events/filter", "{\"filter\":{" + filter + "}}").expect(200).object();
        assertEquals(page.getInt("total"), page.getJsonArray("events").size(), "one page holds them all");
        return page.getInt("total");
    }
}
