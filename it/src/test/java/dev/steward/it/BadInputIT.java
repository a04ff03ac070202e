package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP endpoint of the orchestration, work pool and events APIs, fed bad input: malformed and wrongly shaped bodies, every
 * field of a valid body (nested filters included) replaced in turn by values of the wrong type, size or range,
 * unknown ids, malformed ids in paths and query strings, forged page tokens, NUL characters (which PostgreSQL cannot
 * store) in bodies, keys, queries and WebSocket frames. Each answer must be below 500 and an error must carry Prefect's
 * {"detail": ...}; the failures of one run are listed together.
 */
class BadInputIT {
    static final String UNKNOWN = "00000000-0000-0000-0000-000000000001";
    static final List<String> WRONG_VALUES = List.of("1.5", "-1", "\"x\"", "\"\"", "[]", "[1]", "{}", "null", "true",
            "123456789012345678901234567890", "1e400", "\"" + "n".repeat(300) + "\"", "\"" + UNKNOWN + "\"",
            "\"+999999999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"");
    static final List<String> BAD_BODIES = List.of("{", "{\"a\":", "[]", "\"x\"", "null", "42", "}{", "{\"a\":1}}",
            "[".repeat(5000) + "]".repeat(5000), "{\"limit\":\"a\"}", "{\"limit\":-1}", "{\"limit\":1e999}",
            "{\"limit\":99999999999999999999}", "{\"offset\":-1}", "{\"offset\":1.5}", "{\"offset\":99999999999999999999}",
            "{\"sort\":5}", "{\"sort\":\"NOPE\"}", "\u00ff\u00fe");
    static final List<String> BAD_IDS = List.of("not-a-uuid", UNKNOWN, "%20", "x".repeat(300), "1", "..%2F..%2Fflows");

    static String ws;
    static String key;
    static Api api;
    static Api viewer;
    static String flowId;
    static String runId;
    static String taskRunId;
    static final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    static final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void reset() {
        failures.clear();
        requests.set(0);
    }

    @BeforeAll
    static void workspace() {
        ws = Workspaces.create("bad-input");
        key = Workspaces.issueKey(ws, "developer");
        api = Workspaces.api(ws, key);
        viewer = Workspaces.api(ws, Workspaces.issueKey(ws, "viewer"));
        flowId = api.post("/flows/", "{\"name\":\"sweep\"}").expect(201).object().getString("id");
        runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        taskRunId = api.post("/task_runs/", "{\"flow_run_id\":\"" + runId + "\",\"task_key\":\"k\",\"dynamic_key\":\"0\"}")
                .expect(201).object().getString("id");
    }

    /** One request; a 5xx, or an error without "detail", is recorded as a failure. */
    static void check(Api as, String method, String path, String body) {
        requests.incrementAndGet();
        Api.Reply reply = as.send(method, path, body);
        String what = method + " " + path + (body == null ? "" : " " + abbreviate(body)) + " -> " + reply.status();
        if (reply.status() >= 500) {
            failures.add(what + " " + abbreviate(reply.body()));
        } else if (reply.status() >= 400 && !hasDetail(reply.body())) {
            failures.add(what + " without detail: " + abbreviate(reply.body()));
        }
    }

    static boolean hasDetail(String body) {
        try {
            return Json.createReader(new StringReader(body)).readValue() instanceof JsonObject o && o.containsKey("detail");
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 160 ? s.substring(0, 160) + "…(" + s.length() + ")" : s;
    }

    static JsonValue parse(String json) {
        return Json.createReader(new StringReader(json)).readValue();
    }

    /** Each body in which one value of {@code valid} (at any depth, the whole body included) is replaced by each wrong value. */
    static List<String> mutations(String valid) {
        List<String> out = new ArrayList<>();
        mutate(parse(valid), v -> v, out);
        return out;
    }

    private static void mutate(JsonValue node, UnaryOperator<JsonValue> rebuild, List<String> out) {
        for (String wrong : WRONG_VALUES) out.add(rebuild.apply(parse(wrong)).toString());
        if (node instanceof JsonObject o) {
            for (String key : o.keySet()) {
                mutate(o.get(key), v -> {
                    JsonObjectBuilder b = Json.createObjectBuilder(o);
                    b.add(key, v);
                    return rebuild.apply(b.build());
                }, out);
            }
        } else if (node instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                int index = i;
                mutate(a.get(i), v -> {
                    JsonArrayBuilder b = Json.createArrayBuilder();
                    for (int j = 0; j < a.size(); j++) b.add(j == index ? v : a.get(j));
                    return rebuild.apply(b.build());
                }, out);
            }
        }
    }

    /** The valid body must succeed (else the mutations would only test its first error), then each bad one is sent. */
    static void sweep(String method, String path, String valid) {
        Api.Reply reply = api.send(method, path, valid);
        if (reply.status() >= 300) failures.add("valid " + method + " " + path + " -> " + reply.status() + " " + abbreviate(reply.body()));
        List<String> bodies = new ArrayList<>(BAD_BODIES);
        bodies.addAll(mutations(valid));
        // a few at a time: the requests are independent, and one by one they take minutes
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(4);
        try {
            pool.submit(() -> bodies.parallelStream().forEach(body -> check(api, method, path, body))).join();
        } finally {
            pool.shutdown();
        }
    }

    static String flowFilter() {
        return "{\"operator\":\"and_\",\"id\":{\"any_\":[\"" + flowId + "\"],\"not_any_\":[\"" + UNKNOWN + "\"]},"
                + "\"deployment\":{\"operator\":\"and_\",\"is_null_\":true},\"name\":{\"any_\":[\"sweep\"],\"like_\":\"sw\"},"
                + "\"tags\":{\"operator\":\"and_\",\"all_\":[\"a\"],\"is_null_\":false}}";
    }

    /** A time range filter ({before_, after_} and, where Prefect has it, is_null_). */
    static String times(boolean isNull) {
        return "{\"before_\":\"" + Instant.now() + "\",\"after_\":\"" + Instant.now().minusSeconds(3600) + "\""
                + (isNull ? ",\"is_null_\":false}" : "}");
    }

    /** Every part of Prefect 3.9's FlowRunFilter. */
    static String flowRunFilter() {
        return "{\"operator\":\"and_\",\"id\":{\"any_\":[\"" + runId + "\"],\"not_any_\":[\"" + UNKNOWN + "\"]},"
                + "\"name\":{\"any_\":[\"r\"],\"like_\":\"r\"},"
                + "\"tags\":{\"operator\":\"and_\",\"all_\":[\"t\"],\"any_\":[\"t\"],\"is_null_\":false},"
                + "\"deployment_id\":{\"operator\":\"or_\",\"any_\":[\"" + UNKNOWN + "\"],\"is_null_\":true},"
                + "\"work_queue_name\":{\"operator\":\"and_\",\"any_\":[\"q\"],\"is_null_\":false},"
                + "\"state\":{\"operator\":\"and_\",\"type\":{\"any_\":[\"RUNNING\"],\"not_any_\":[\"FAILED\"]},"
                + "\"name\":{\"any_\":[\"Running\"],\"not_any_\":[\"Failed\"]}},\"flow_version\":{\"any_\":[\"1\"]},"
                + "\"start_time\":" + times(true) + ",\"end_time\":" + times(true) + ",\"expected_start_time\":" + times(false)
                + ",\"next_scheduled_start_time\":" + times(false) + ","
                + "\"parent_flow_run_id\":{\"operator\":\"and_\",\"any_\":[\"" + runId + "\"]},"
                + "\"parent_task_run_id\":{\"operator\":\"and_\",\"any_\":[\"" + taskRunId + "\"],\"is_null_\":true},"
                + "\"idempotency_key\":{\"any_\":[\"k\"],\"not_any_\":[\"j\"]},"
                + "\"created_by\":{\"operator\":\"and_\",\"id_\":[\"" + UNKNOWN + "\"],\"type_\":[\"DEPLOYMENT\"],\"is_null_\":false}}";
    }

    /** Every part of Prefect 3.9's TaskRunFilter. */
    static String taskRunFilter() {
        return "{\"operator\":\"and_\",\"id\":{\"any_\":[\"" + taskRunId + "\"]},\"name\":{\"any_\":[\"t\"],\"like_\":\"t\"},"
                + "\"tags\":{\"operator\":\"and_\",\"all_\":[\"x\"],\"is_null_\":false},"
                + "\"state\":{\"operator\":\"or_\",\"type\":{\"any_\":[\"RUNNING\"]},\"name\":{\"any_\":[\"Running\"]}},"
                + "\"start_time\":" + times(true) + ",\"end_time\":" + times(true) + ",\"expected_start_time\":" + times(false)
                + ",\"subflow_runs\":{\"exists_\":false},"
                + "\"flow_run_id\":{\"operator\":\"and_\",\"any_\":[\"" + runId + "\"],\"is_null_\":false}}";
    }

    /** Prefect's DeploymentFilter (Steward has no deployments: checked, then nothing matches). */
    static String deploymentFilter() {
        return "{\"operator\":\"and_\",\"id\":{\"any_\":[\"" + UNKNOWN + "\"],\"not_any_\":[]},"
                + "\"name\":{\"any_\":[\"d\"],\"like_\":\"d\"},\"flow_or_deployment_name\":{\"like_\":\"d\"},"
                + "\"paused\":{\"eq_\":false},\"tags\":{\"operator\":\"or_\",\"all_\":[\"a\"],\"any_\":[\"b\"],\"is_null_\":false},"
                + "\"work_queue_name\":{\"any_\":[\"q\"]},\"concurrency_limit\":{\"ge_\":1,\"le_\":5,\"is_null_\":false}}";
    }

    static String workPoolFilter() {
        return "{\"operator\":\"and_\",\"id\":{\"any_\":[\"" + UNKNOWN + "\"]},\"name\":{\"any_\":[\"p\"]},\"type\":{\"any_\":[\"process\"]}}";
    }

    static String workQueueFilter() {
        return "{\"operator\":\"or_\",\"id\":{\"any_\":[\"" + UNKNOWN + "\"]},\"name\":{\"any_\":[\"q\"],\"startswith_\":[\"q\"]}}";
    }

    /** Every filter a flow-run endpoint takes ({@code workQueues} is "work_pool_queues", or "work_queues" for history). */
    static String flowRunFilters(String workQueues) {
        return "\"flows\":" + flowFilter() + ",\"flow_runs\":" + flowRunFilter() + ",\"task_runs\":" + taskRunFilter()
                + ",\"deployments\":" + deploymentFilter() + ",\"work_pools\":" + workPoolFilter() + ",\"" + workQueues
                + "\":" + workQueueFilter();
    }

    static String taskRunFilters() {
        return "\"flows\":" + flowFilter() + ",\"flow_runs\":" + flowRunFilter() + ",\"task_runs\":" + taskRunFilter()
                + ",\"deployments\":" + deploymentFilter();
    }

    /** Every part of Prefect 3.9's EventFilter. */
    static String eventFilter() {
        return "{\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(3600) + "\",\"until\":\"" + Instant.now() + "\"},"
                + "\"event\":{\"prefix\":[\"prefect.\"],\"exclude_prefix\":[\"x\"],\"name\":[\"a\"],\"exclude_name\":[\"b\"]},"
                + "\"resource\":{\"id\":[\"r\"],\"id_prefix\":[\"p\"],\"labels\":{\"k\":[\"v\",\"!w*\"]},\"distinct\":false},"
                + "\"related\":[{\"id\":[\"prefect.flow.x\"],\"role\":[\"flow\"],\"resources_in_roles\":[[\"prefect.flow.x\",\"flow\"]],"
                + "\"labels\":{\"prefect.resource.name\":\"n*\"}}],"
                + "\"any_resource\":[{\"id\":[\"r\"],\"id_prefix\":[\"p\"],\"labels\":{\"prefect.resource.role\":\"flow\"}}],"
                + "\"id\":{\"id\":[\"" + UUID.randomUUID() + "\"]},\"text\":{\"query\":\"error -debug\"},\"order\":\"DESC\"}";
    }

    static String history() {
        return "\"history_start\":\"" + Instant.now().minusSeconds(3600) + "\",\"history_end\":\"" + Instant.now()
                + "\",\"history_interval_seconds\":60";
    }

    @Test
    void everyEndpointAnswersBadInputWithA4xxAndADetail() {
        String state = "{\"type\":\"RUNNING\",\"name\":\"Running\",\"message\":null,\"state_details\":{\"transition_id\":\""
                + UUID.randomUUID() + "\",\"scheduled_time\":\"" + Instant.now() + "\"}}";
        // flows
        sweep("POST", "/flows/", "{\"name\":\"sweep-flow\",\"tags\":[\"a\"],\"labels\":{\"k\":\"v\"}}");
        sweep("POST", "/flows/filter", "{\"flows\":" + flowFilter() + ",\"flow_runs\":" + flowRunFilter() + ",\"task_runs\":"
                + taskRunFilter() + ",\"deployments\":" + deploymentFilter() + ",\"work_pools\":" + workPoolFilter()
                + ",\"sort\":\"NAME_ASC\",\"limit\":10,\"offset\":0}");
        sweep("POST", "/flows/count", "{\"flows\":" + flowFilter() + ",\"flow_runs\":" + flowRunFilter() + ",\"task_runs\":"
                + taskRunFilter() + ",\"deployments\":" + deploymentFilter() + ",\"work_pools\":" + workPoolFilter() + "}");
        sweep("PATCH", "/flows/" + flowId, "{\"tags\":[\"b\"]}");
        // flow runs
        sweep("POST", "/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"name\":\"r\",\"state\":{\"type\":\"PENDING\","
                + "\"state_details\":{\"transition_id\":\"" + UUID.randomUUID() + "\"}},\"parameters\":{\"x\":1},"
                + "\"context\":{},\"tags\":[\"t\"],\"labels\":{\"a\":\"b\"},\"empirical_policy\":{\"retries\":1},"
                + "\"idempotency_key\":\"k\",\"parent_task_run_id\":\"" + taskRunId + "\",\"flow_version\":\"1\","
                + "\"job_variables\":{},\"work_queue_name\":\"q\"}");
        sweep("PATCH", "/flow_runs/" + runId, "{\"name\":\"n\",\"flow_version\":\"2\",\"parameters\":{\"a\":1},"
                + "\"empirical_policy\":{\"retries\":2,\"retry_delay\":1,\"max_retries\":0,\"retry_delay_seconds\":0,"
                + "\"pause_keys\":[\"k\"],\"resuming\":false,\"retry_type\":\"in_process\"},\"tags\":[\"t\"],"
                + "\"infrastructure_pid\":\"123\",\"job_variables\":null}");
        sweep("PATCH", "/flow_runs/" + runId + "/labels", "{\"a\":\"b\",\"n\":1}");
        sweep("POST", "/flow_runs/" + runId + "/set_state", "{\"state\":" + state + ",\"force\":false}");
        sweep("POST", "/flow_runs/filter", "{" + flowRunFilters("work_pool_queues") + ",\"sort\":\"ID_DESC\",\"limit\":5,\"offset\":0}");
        sweep("POST", "/flow_runs/count", "{" + flowRunFilters("work_pool_queues") + "}");
        sweep("POST", "/flow_runs/history", "{" + history() + "," + flowRunFilters("work_queues") + "}");
        // task runs
        sweep("POST", "/task_runs/", "{\"flow_run_id\":\"" + runId + "\",\"task_key\":\"k\",\"dynamic_key\":\"1\","
                + "\"name\":\"t\",\"state\":{\"type\":\"PENDING\"},\"tags\":[\"x\"],\"labels\":{},\"task_inputs\":{},"
                + "\"empirical_policy\":{},\"cache_key\":null,\"id\":\"" + UUID.randomUUID() + "\"}");
        sweep("POST", "/task_runs/" + taskRunId + "/set_state", "{\"state\":" + state + ",\"force\":false}");
        sweep("POST", "/task_runs/filter", "{" + taskRunFilters() + ",\"sort\":\"ID_DESC\",\"limit\":5,\"offset\":0}");
        sweep("POST", "/task_runs/count", "{" + taskRunFilters() + "}");
        sweep("POST", "/task_runs/history", "{" + history() + "," + taskRunFilters() + "}");
        // logs
        sweep("POST", "/logs/", "[{\"flow_run_id\":\"" + runId + "\",\"task_run_id\":\"" + taskRunId + "\",\"name\":\"n\","
                + "\"level\":20,\"message\":\"m\",\"timestamp\":\"" + Instant.now() + "\"}]");
        sweep("POST", "/logs/filter", "{\"logs\":{\"flow_run_id\":{\"any_\":[\"" + runId + "\"]},\"task_run_id\":{\"any_\":[\""
                + taskRunId + "\"]},\"level\":{\"ge_\":10,\"le_\":50}},\"sort\":\"TIMESTAMP_ASC\",\"limit\":5,\"offset\":0}");
        // events
        sweep("POST", "/events/filter", "{\"filter\":" + eventFilter() + ",\"limit\":10}");
        for (String countable : List.of("day", "time", "event", "resource")) {
            sweep("POST", "/events/count-by/" + countable, "{\"filter\":" + eventFilter() + ",\"time_unit\":\"hour\",\"time_interval\":1.0}");
        }
        assertTrue(requests.get() > 3000, "the sweep made " + requests + " requests");
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " requests failed");
    }

    @Test
    void everyWorkPoolEndpointAnswersBadInputWithA4xxAndADetail() {
        String template = "{\"job_configuration\":{\"command\":\"{{ command }}\",\"env\":{}},"
                + "\"variables\":{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}}";
        String storage = "{\"bundle_upload_step\":{\"s\":{}},\"bundle_execution_step\":null,"
                + "\"default_result_storage_block_id\":\"" + UNKNOWN + "\"}";
        sweep("POST", "/work_pools/", "{\"name\":\"sweep-pool\",\"description\":\"d\",\"type\":\"process\","
                + "\"base_job_template\":" + template + ",\"is_paused\":false,\"concurrency_limit\":5,"
                + "\"storage_configuration\":" + storage + "}");
        sweep("PATCH", "/work_pools/sweep-pool", "{\"description\":\"e\",\"is_paused\":false,\"base_job_template\":"
                + template + ",\"concurrency_limit\":4,\"storage_configuration\":" + storage + "}");
        sweep("POST", "/work_pools/filter", "{\"work_pools\":" + workPoolFilter() + ",\"limit\":5,\"offset\":0}");
        sweep("POST", "/work_pools/count", "{\"work_pools\":" + workPoolFilter() + "}");
        sweep("POST", "/work_pools/sweep-pool/queues", "{\"name\":\"sweep-q\",\"description\":\"d\",\"is_paused\":false,"
                + "\"concurrency_limit\":2,\"priority\":1}");
        sweep("PATCH", "/work_pools/sweep-pool/queues/default", "{\"description\":\"d\",\"is_paused\":false,"
                + "\"concurrency_limit\":3,\"priority\":2,\"last_polled\":\"" + Instant.now() + "\"}");
        sweep("POST", "/work_pools/sweep-pool/queues/filter", "{\"work_queues\":" + workQueueFilter() + ",\"limit\":5,\"offset\":0}");
        sweep("POST", "/work_pools/sweep-pool/get_scheduled_flow_runs", "{\"work_queue_names\":[\"default\"],"
                + "\"scheduled_before\":\"" + Instant.now() + "\",\"scheduled_after\":\"" + Instant.now().minusSeconds(60)
                + "\",\"limit\":5}");
        sweep("POST", "/work_pools/sweep-pool/workers/heartbeat", "{\"name\":\"sweeper\",\"heartbeat_interval_seconds\":30}");
        sweep("POST", "/work_pools/sweep-pool/workers/filter", "{\"workers\":{\"operator\":\"and_\",\"last_heartbeat_time\":"
                + "{\"before_\":\"" + Instant.now().plusSeconds(60) + "\",\"after_\":\"" + Instant.now().minusSeconds(3600)
                + "\"},\"status\":{\"any_\":[\"ONLINE\"],\"not_any_\":[\"OFFLINE\"]}},\"limit\":5,\"offset\":0}");
        String queueId = api.get("/work_pools/sweep-pool").expect(200).object().getString("default_queue_id");
        sweep("POST", "/work_queues/filter", "{\"work_queues\":" + workQueueFilter() + ",\"limit\":5,\"offset\":0}");
        sweep("PATCH", "/work_queues/" + queueId, "{\"description\":\"f\",\"concurrency_limit\":1,\"is_paused\":false}");
        sweep("POST", "/work_queues/" + queueId + "/get_runs", "{\"limit\":5,\"scheduled_before\":\"" + Instant.now() + "\"}");
        sweep("POST", "/work_queues/", "{\"name\":\"sweep-legacy\",\"description\":\"d\",\"is_paused\":false,"
                + "\"concurrency_limit\":1,\"priority\":1}");
        sweep("POST", "/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"work_pool_name\":\"sweep-pool\","
                + "\"work_queue_name\":\"default\"}");
        for (String id : BAD_IDS) {
            check(api, "GET", "/work_pools/" + id, null);
            check(api, "PATCH", "/work_pools/" + id, "{}");
            check(api, "DELETE", "/work_pools/" + id, null);
            check(api, "GET", "/work_pools/sweep-pool/queues/" + id, null);
            check(api, "DELETE", "/work_pools/sweep-pool/queues/" + id, null);
            check(api, "DELETE", "/work_pools/sweep-pool/workers/" + id, null);
            check(api, "POST", "/work_pools/" + id + "/get_scheduled_flow_runs", "{}");
            check(api, "GET", "/work_queues/" + id, null);
            check(api, "GET", "/work_queues/name/" + id, null);
            check(api, "GET", "/work_queues/" + id + "/status", null);
            check(api, "POST", "/work_queues/" + id + "/get_runs", "{}");
            check(api, "DELETE", "/work_queues/" + id, null);
        }
        check(api, "DELETE", "/work_pools/sweep-pool/queues/default", null);
        check(viewer, "POST", "/work_pools/sweep-pool/get_scheduled_flow_runs", "{}");
        check(viewer, "PATCH", "/work_pools/sweep-pool", "{}");
        assertTrue(requests.get() > 2000, "the sweep made " + requests + " requests");
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " requests failed");
    }

    @Test
    void idsInPathsAndQueriesAndPageTokens() {
        for (String id : BAD_IDS) {
            check(api, "GET", "/flows/" + id, null);
            check(api, "GET", "/flows/name/" + id, null);
            check(api, "PATCH", "/flows/" + id, "{\"tags\":[]}");
            check(api, "DELETE", "/flows/" + id, null);
            check(api, "GET", "/flow_runs/" + id, null);
            check(api, "PATCH", "/flow_runs/" + id, "{\"name\":\"x\"}");
            check(api, "PATCH", "/flow_runs/" + id + "/labels", "{\"a\":\"b\"}");
            check(api, "DELETE", "/flow_runs/" + id, null);
            check(api, "GET", "/flow_runs/" + id + "/graph-v2", null);
            check(api, "POST", "/flow_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}");
            check(api, "GET", "/task_runs/" + id, null);
            check(api, "POST", "/task_runs/" + id + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}");
            check(api, "GET", "/flow_run_states/?flow_run_id=" + id, null);
            check(api, "GET", "/task_run_states/?task_run_id=" + id, null);
            check(api, "POST", "/events/count-by/" + id, "{\"filter\":{}}");
        }
        check(api, "GET", "/flow_run_states/", null);
        check(api, "GET", "/task_run_states/", null);
        check(api, "PATCH", "/flow_runs/" + runId + "/labels", null);
        check(api, "PATCH", "/flow_runs/" + runId + "/labels", "");
        check(api, "PATCH", "/flow_runs/" + runId, "{\"job_variables\":{\"a\":1}}");
        check(api, "PUT", "/flow_runs/" + runId, "{}");
        check(api, "GET", "/flow_runs/filter", null);
        check(api, "POST", "/flow_runs/" + runId, "{}");
        // a viewer may read but not write: 403 with a detail
        check(viewer, "PATCH", "/flow_runs/" + runId, "{\"name\":\"x\"}");
        check(viewer, "DELETE", "/flow_runs/" + runId, null);
        check(viewer, "POST", "/flow_runs/history", "{" + history() + "}");
        // forged page tokens for the events' next pages
        List<String> tokens = new ArrayList<>(List.of("", "!!!", "a%20b", "%25%25"));
        for (String inside : List.of("[]", "x", "{}", "{\"filter\":\"x\",\"limit\":5,\"offset\":0}",
                "{\"filter\":{},\"limit\":\"a\",\"offset\":0}", "{\"filter\":{},\"limit\":5,\"offset\":-1}",
                "{\"filter\":{},\"limit\":1000,\"offset\":0}", "{\"filter\":{},\"limit\":5,\"offset\":1e30}",
                "{\"filter\":{\"occurred\":{\"since\":\"bad\"}},\"limit\":5,\"offset\":0}",
                "{\"filter\":{\"nope\":1},\"limit\":5,\"offset\":0}")) {
            tokens.add(Base64.getUrlEncoder().encodeToString(inside.getBytes(StandardCharsets.UTF_8)));
        }
        for (String token : tokens) check(api, "GET", "/events/filter/next?page-token=" + token, null);
        check(api, "GET", "/events/filter/next", null);
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " requests failed");
    }

    /** JSON's escape for the NUL character U+0000, which PostgreSQL cannot store in text or jsonb. */
    static final String NUL = "\\u0000";

    /** One request that must be a 422 whose first error is at {@code loc}; anything else is recorded. */
    static void expectNulAt(Api as, String method, String path, String body, String... loc) {
        requests.incrementAndGet();
        Api.Reply reply = as.send(method, path, body);
        String what = method + " " + path + (body == null ? "" : " " + abbreviate(body)) + " -> " + reply.status();
        JsonValue detail = reply.status() == 422 && parse(reply.body()) instanceof JsonObject o ? o.get("detail") : null;
        String at = detail instanceof JsonArray errors && !errors.isEmpty()
                ? errors.getJsonObject(0).get("loc").toString() : null;
        JsonArrayBuilder expected = Json.createArrayBuilder();
        for (String part : loc) expected.add(part);
        if (!expected.build().toString().equals(at)) failures.add(what + " " + abbreviate(reply.body()));
    }

    @Test
    void aNulCharacterAnywhereIsA422NamingTheField() throws Exception {
        String like = "{\"like_\":\"a" + NUL + "\"}";
        String any = "{\"any_\":[\"ok\",\"a" + NUL + "\"]}";
        // the seven places that answered 500: a variable's value, a flow's name, the filters' texts
        expectNulAt(api, "POST", "/variables/", "{\"name\":\"nul_var\",\"value\":\"a" + NUL + "\"}", "body", "value");
        expectNulAt(api, "POST", "/flows/", "{\"name\":\"a" + NUL + "\"}", "body", "name");
        for (String[] filter : List.of(new String[] {"/flow_runs/filter", "flow_runs"}, new String[] {"/flows/filter", "flows"},
                new String[] {"/deployments/filter", "deployments"}, new String[] {"/variables/filter", "variables"})) {
            expectNulAt(api, "POST", filter[0], "{\"" + filter[1] + "\":{\"name\":" + like + "}}", "body", filter[1], "name", "like_");
            expectNulAt(api, "POST", filter[0], "{\"" + filter[1] + "\":{\"name\":" + any + "}}", "body", filter[1], "name", "any_", "1");
        }
        expectNulAt(api, "POST", "/events/filter", "{\"filter\":{\"text\":{\"query\":\"err" + NUL + "\"}}}",
                "body", "filter", "text", "query");
        expectNulAt(api, "POST", "/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"" + NUL + "\"]}}}",
                "body", "filter", "event", "prefix", "0");
        // elsewhere in bodies: nested values, keys at any depth (a dotted key stays one part), lists of objects
        expectNulAt(api, "POST", "/flow_runs/", "{\"flow_id\":\"" + flowId + "\",\"parameters\":{\"outer\":{\"x" + NUL
                + "y\":1}}}", "body", "parameters", "outer", "x\\u0000y");
        expectNulAt(api, "PATCH", "/flow_runs/" + runId + "/labels", "{\"prefect." + NUL + "\":\"v\"}", "body",
                "prefect.\\u0000");
        expectNulAt(api, "PATCH", "/flow_runs/" + runId, "{\"tags\":[\"t\",\"" + NUL + "\"]}", "body", "tags", "1");
        expectNulAt(api, "POST", "/logs/", "[{\"flow_run_id\":\"" + runId + "\",\"name\":\"n\",\"level\":20,\"message\":\"m"
                + NUL + "\",\"timestamp\":\"" + Instant.now() + "\"}]", "body", "0", "message");
        expectNulAt(api, "POST", "/flow_runs/" + runId + "/set_state", "{\"state\":{\"type\":\"RUNNING\",\"message\":\""
                + NUL + "\"}}", "body", "state", "message");
        // query parameters, names included
        expectNulAt(api, "GET", "/flow_run_states/?flow_run_id=%00", null, "query", "flow_run_id");
        expectNulAt(api, "GET", "/flow_run_states/?flow_run_id=" + runId + "&x%00=1", null, "query", "x\\u0000");
        // in a path (the workspace's own included) the web container refuses an encoded NUL itself, with a 400
        for (String path : List.of("/variables/name/a%00b", "/flows/name/%00")) {
            assertEquals(400, api.get(path).status(), path);
        }
        assertEquals(400, Workspaces.api("a%00b", key).get("/flows/" + flowId).status(), "a NUL in the workspace");
        // an API key with a NUL (Basic credentials can carry one) is simply not a key
        String basic = Base64.getEncoder().encodeToString(("x:" + key.substring(0, 8) + "\0" + key.substring(8))
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(401, api.withAuthorization("Basic " + basic).get("/flows/" + flowId).status());
        // nothing of it was stored
        assertEquals(0, api.post("/variables/filter", "{\"variables\":{\"name\":{\"any_\":[\"nul_var\"]}}}").expect(200)
                .array().size());
        assertEquals(List.of(), failures, failures.size() + " of " + requests + " requests failed");

        // the WebSocket frames that reach the database: closed as a protocol error, not an internal one
        String out = "/api/workspaces/" + ws + "/events/out";
        try (RawWebSocket socket = RawWebSocket.open(out)) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + key.substring(0, 6) + NUL + "\"}");
            assertEquals(1002, socket.awaitClose(Duration.ofSeconds(30)), "events/out: a NUL in the auth frame");
        }
        try (RawWebSocket socket = RawWebSocket.open(out)) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
            assertEquals("{\"type\":\"auth_success\"}", socket.readText(Duration.ofSeconds(30)));
            socket.text("{\"type\":\"filter\",\"filter\":{\"text\":{\"query\":\"" + NUL + "\"}},\"backfill\":true}");
            assertEquals(1002, socket.awaitClose(Duration.ofSeconds(30)), "events/out: a NUL in the filter");
        }
        api.post("/work_pools/", "{\"name\":\"nul-pool\",\"type\":\"process\"}").expect(201);
        try (RawWebSocket socket = RawWebSocket.open("/api/workspaces/" + ws + "/work_pools/nul-pool/workers/connect")) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
            assertEquals("{\"type\":\"auth_success\"}", socket.readText(Duration.ofSeconds(30)));
            socket.text("{\"type\":\"worker.hello.v1\",\"id\":\"" + UUID.randomUUID() + "\",\"sent_at\":\"" + Instant.now()
                    + "\",\"payload\":{\"consumer_id\":\"" + UUID.randomUUID() + "\",\"worker_name\":\"w" + NUL + "\","
                    + "\"worker_type\":\"process\",\"heartbeat_interval_seconds\":5,"
                    + "\"supported_channel_versions\":[\"work_pool_worker_channel.v1\"]}}");
            assertEquals(1002, socket.awaitClose(Duration.ofSeconds(30)), "worker channel: a NUL in the hello");
        }
    }
}
