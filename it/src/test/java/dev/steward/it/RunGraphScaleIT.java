package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code graph-v2} serves a run of 50,000 task runs (Prefect refuses more than 10,000): every node, every edge from
 * the task inputs, and Prefect's {@code since}.
 */
class RunGraphScaleIT {
    static final int TASKS = 50_000;
    static final int CHAIN = 10; // task i takes the result of task i-1, in chains of ten

    @Test
    void aGraphOfFiftyThousandNodesIsServedWhole() throws Exception {
        String ws = Workspaces.create("graph");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);
        String flowId = api.post("/flows/", "{\"name\":\"wide\"}").expect(201).object().getString("id");
        String runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");

        List<String> ids = new ArrayList<>(TASKS);
        try (EventsIn events = EventsIn.open(ws, key)) {
            for (int i = 0; i < TASKS; i++) {
                String id = UUID.randomUUID().toString();
                events.send(EventsIn.completedTask(runId, id, i, i % CHAIN == 0 ? null : ids.get(i - 1)));
                ids.add(id);
            }
            events.confirm();
        }

        JsonObject graph = api.get("/flow_runs/" + runId + "/graph-v2").expect(200).object();
        JsonArray nodes = graph.getJsonArray("nodes");
        assertEquals(TASKS, nodes.size(), "every task run is a node");
        assertEquals(TASKS / CHAIN, graph.getJsonArray("root_node_ids").size(), "one root per chain");
        Map<String, JsonObject> byId = new HashMap<>();
        for (JsonValue pair : nodes) byId.put(pair.asJsonArray().getString(0), pair.asJsonArray().getJsonObject(1));
        int edges = 0;
        for (int i = 0; i < TASKS; i++) {
            JsonObject node = byId.get(ids.get(i));
            JsonArray parents = node.getJsonArray("parents");
            JsonArray children = node.getJsonArray("children");
            edges += parents.size();
            assertEquals(i % CHAIN == 0 ? 0 : 1, parents.size(), "parents of t-" + i);
            if (i % CHAIN != 0) assertEquals(ids.get(i - 1), parents.getJsonObject(0).getString("id"));
            assertEquals(i % CHAIN == CHAIN - 1 ? 0 : 1, children.size(), "children of t-" + i);
            assertEquals("COMPLETED", node.getString("state_type"));
            assertEquals("t-" + i, node.getString("label"));
            assertEquals("t", node.getString("task_key"), "the task's key, which groups its runs");
        }
        assertEquals(TASKS - TASKS / CHAIN, edges);

        String later = Instant.now().plusSeconds(3600).toString();
        assertTrue(api.get("/flow_runs/" + runId + "/graph-v2?since=" + later).expect(200).object()
                .getJsonArray("nodes").isEmpty(), "since: runs that ended before it are left out");
        api.get("/flow_runs/" + runId + "/graph-v2?since=yesterday").expect(422);
    }
}
