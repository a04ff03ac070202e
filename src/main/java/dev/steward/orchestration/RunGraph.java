package dev.steward.orchestration;

import dev.steward.platform.Json;
import dev.steward.platform.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.StreamingOutput;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read model of {@code GET /flow_runs/{id}/graph-v2} (the console's run page reads it too): Prefect's run graph,
 * the flow run's task runs and subflow runs as nodes, with edges from the task inputs, and the flow run's state
 * history. Unlike Prefect's, task runs that are pending or not yet started are included (the client reports them as
 * soon as they are submitted), and there is no node limit where Prefect refuses more than 10,000: PostgreSQL hands
 * over only the fields a node needs (the upstream ids come out of task_inputs there), and the response is streamed,
 * so a graph of 50,000 nodes costs a few megabytes of memory, not a document tree. {@code since} keeps, as in
 * Prefect, the nodes that have not ended or ended at or after it. Task-run nodes also carry their {@code task_key},
 * so the console can collapse the runs of one mapped task into one node.
 */
@ApplicationScoped
public class RunGraph {
    private static final String TASK_NODES = """
            select t.id, t.name, t.state_type, t.body ->> 'start_time', t.body ->> 'end_time',
                   array(select distinct i ->> 'id'
                         from jsonb_each(case when jsonb_typeof(t.body -> 'task_inputs') = 'object'
                                              then t.body -> 'task_inputs' else '{}' end) as e(name, inputs),
                              jsonb_array_elements(case when jsonb_typeof(e.inputs) = 'array'
                                                        then e.inputs else '[]' end) as i
                         where i ->> 'id' is not null) as upstream,
                   t.body ->> 'task_key'
            from task_run t
            where t.workspace_id = ? and t.flow_run_id = ?
            order by t.created, t.id""";

    /** Subflow runs: flow runs whose parent task run (their placeholder) belongs to this run. */
    private static final String SUBFLOWS = """
            select f.body ->> 'parent_task_run_id', f.id, f.name, f.state_type, f.body ->> 'start_time', f.body ->> 'end_time'
            from flow_run f
            where f.workspace_id = ? and f.body ->> 'parent_task_run_id' in
                  (select t.id::text from task_run t where t.workspace_id = ? and t.flow_run_id = ?)""";

    private static final String STATES = """
            select id, timestamp, type, name from flow_run_state where workspace_id = ? and flow_run_id = ?
            order by timestamp, id""";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    FlowRunStore flowRuns;

    /** A node; {@code taskKey} (Steward's addition) groups a task's runs, e.g. the runs of a mapped task. */
    private record Node(String id, String kind, String nodeId, String label, String stateType, String start, String end,
                        List<String> parents, List<String> children, String taskKey) {}

    private record State(String id, Instant timestamp, String type, String name) {}

    /** Everything the graph shows, read in one transaction; written out afterwards by the returned stream. */
    @Transactional
    public StreamingOutput of(UUID workspace, UUID flowRunId, Instant since) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        List<State> states = new ArrayList<>();
        String run = flowRuns.find(workspace, flowRunId).orElseThrow(FlowRunService::notFound);
        RunTable.jdbc(em, c -> {
            readTaskNodes(c, workspace, flowRunId, nodes);
            readSubflows(c, workspace, flowRunId, nodes);
            readStates(c, workspace, flowRunId, states);
            return null;
        });
        JsonObject runDoc = Json.parseObject(run);
        String start = runDoc.isNull("start_time") ? null : runDoc.getString("start_time", null);
        String end = runDoc.isNull("end_time") ? null : runDoc.getString("end_time", null);
        return out -> write(out, start, end, nodes, states, since);
    }

    private static void readTaskNodes(Connection c, UUID workspaceId, UUID flowRunId, Map<String, Node> nodes)
            throws SQLException {
        Map<String, String[]> upstream = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement(TASK_NODES)) {
            q.setObject(1, workspaceId);
            q.setObject(2, flowRunId);
            q.setFetchSize(5_000);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    nodes.put(id, new Node(id, "task-run", id, rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), new ArrayList<>(0), new ArrayList<>(0), rs.getString(7)));
                    Array ups = rs.getArray(6);
                    upstream.put(id, (String[]) ups.getArray());
                }
            }
        }
        // edges only between nodes of this graph
        nodes.forEach((id, node) -> {
            for (String up : upstream.get(id)) {
                Node parent = nodes.get(up);
                if (parent == null || up.equals(id)) continue;
                node.parents().add(up);
                parent.children().add(id);
            }
        });
    }

    private static void readSubflows(Connection c, UUID workspaceId, UUID flowRunId, Map<String, Node> nodes)
            throws SQLException {
        try (PreparedStatement q = c.prepareStatement(SUBFLOWS)) {
            q.setObject(1, workspaceId);
            q.setObject(2, workspaceId);
            q.setObject(3, flowRunId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Node placeholder = nodes.get(rs.getString(1));
                    if (placeholder == null) continue;
                    nodes.put(placeholder.id(), new Node(placeholder.id(), "flow-run", rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), placeholder.parents(), placeholder.children(),
                            null));
                }
            }
        }
    }

    private static void readStates(Connection c, UUID workspaceId, UUID flowRunId, List<State> states) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(STATES)) {
            q.setObject(1, workspaceId);
            q.setObject(2, flowRunId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(2);
                    states.add(new State(rs.getString(1), at.toInstant(), rs.getString(3), rs.getString(4)));
                }
            }
        }
    }

    private static void write(java.io.OutputStream out, String start, String end, Map<String, Node> nodes,
                              List<State> states, Instant since) {
        try (JsonGenerator g = Json.createGenerator(out)) {
            g.writeStartObject();
            writeOptional(g, "start_time", start);
            writeOptional(g, "end_time", end);
            g.writeStartArray("root_node_ids");
            for (Node n : nodes.values()) {
                if (n.parents().isEmpty() && shown(n, since)) g.write(n.id());
            }
            g.writeEnd();
            g.writeStartArray("nodes");
            for (Node n : nodes.values()) {
                if (!shown(n, since)) continue;
                g.writeStartArray().write(n.id()).writeStartObject()
                        .write("kind", n.kind()).write("id", n.nodeId()).write("label", n.label() == null ? "" : n.label());
                writeOptional(g, "state_type", n.stateType());
                writeOptional(g, "start_time", n.start());
                writeOptional(g, "end_time", n.end());
                refs(g, "parents", n.parents());
                refs(g, "children", n.children());
                if (n.taskKey() != null) g.write("task_key", n.taskKey());
                g.writeStartArray("encapsulating").writeEnd().writeStartArray("artifacts").writeEnd();
                g.writeEnd().writeEnd();
            }
            g.writeEnd();
            g.writeStartArray("artifacts").writeEnd();
            g.writeStartArray("states");
            for (State s : states) {
                g.writeStartObject().write("id", s.id()).write("timestamp", s.timestamp().toString())
                        .write("type", s.type()).write("name", s.name()).writeEnd();
            }
            g.writeEnd();
            g.writeEnd();
        }
    }

    /** Prefect's {@code since}: a node that has not ended, or ended at or after it. */
    private static boolean shown(Node n, Instant since) {
        return since == null || n.end() == null || !Timestamps.parse(n.end()).isBefore(since);
    }

    private static void writeOptional(JsonGenerator g, String name, String value) {
        if (value == null) g.writeNull(name); else g.write(name, value);
    }

    private static void refs(JsonGenerator g, String name, List<String> ids) {
        g.writeStartArray(name);
        for (String id : ids) g.writeStartObject().write("id", id).writeEnd();
        g.writeEnd();
    }
}
