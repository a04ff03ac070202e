package dev.steward.orchestration;

import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Prefect's run graph ({@code graph-v2}): the flow run's task runs and subflow runs as nodes, with edges from the
 * task inputs, and the flow run's state history. Unlike Prefect's, task runs that are pending or not yet started are
 * included (the client reports them as soon as they are submitted), and there is no node limit. The whole graph
 * is served on every call (Prefect's {@code since} for incremental reads is accepted and not yet used).
 */
@ApplicationScoped
public class RunGraph {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Transactional
    public JsonObject of(UUID flowRunId) {
        FlowRun run = em.find(FlowRun.class, flowRunId);
        if (run == null) throw FlowRunService.notFound();
        JsonObject runDoc = Json.parseObject(run.getBody());
        List<TaskRun> tasks = em.createQuery("select t from TaskRun t where t.flowRunId = :id order by t.created, t.id",
                TaskRun.class).setParameter("id", flowRunId).getResultList();
        Map<String, JsonObject> docs = new LinkedHashMap<>();
        tasks.forEach(t -> docs.put(t.getId().toString(), Json.parseObject(t.getBody())));
        // subflow runs: flow runs whose parent task run (their placeholder) belongs to this run
        Map<String, JsonObject> subflowByTask = new LinkedHashMap<>();
        if (!docs.isEmpty()) {
            em.createQuery("select r from FlowRun r where function('jsonb_extract_path_text', r.body, 'parent_task_run_id') in :ids",
                            FlowRun.class)
                    .setParameter("ids", new ArrayList<>(docs.keySet())).getResultList()
                    .forEach(child -> {
                        JsonObject childDoc = Json.parseObject(child.getBody());
                        subflowByTask.put(childDoc.getString("parent_task_run_id"), childDoc);
                    });
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        Map<String, Set<String>> children = new LinkedHashMap<>();
        docs.keySet().forEach(id -> {
            parents.put(id, new LinkedHashSet<>());
            children.put(id, new LinkedHashSet<>());
        });
        docs.forEach((id, doc) -> {
            JsonObject inputs = doc.get("task_inputs") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
            inputs.values().forEach(list -> {
                if (list.getValueType() != JsonValue.ValueType.ARRAY) return;
                list.asJsonArray().forEach(input -> {
                    if (input instanceof JsonObject in && in.get("id") instanceof jakarta.json.JsonString up
                            && docs.containsKey(up.getString()) && !up.getString().equals(id)) {
                        parents.get(id).add(up.getString());
                        children.get(up.getString()).add(id);
                    }
                });
            });
        });
        JsonArrayBuilder nodes = jakarta.json.Json.createArrayBuilder();
        JsonArrayBuilder roots = jakarta.json.Json.createArrayBuilder();
        docs.forEach((id, doc) -> {
            JsonObject subflow = subflowByTask.get(id);
            JsonObject shown = subflow != null ? subflow : doc;
            JsonObjectBuilder node = jakarta.json.Json.createObjectBuilder()
                    .add("kind", subflow != null ? "flow-run" : "task-run")
                    .add("id", subflow != null ? subflow.getString("id") : id)
                    .add("label", shown.getString("name", ""))
                    .add("state_type", shown.getOrDefault("state_type", JsonValue.NULL))
                    .add("start_time", shown.getOrDefault("start_time", JsonValue.NULL))
                    .add("end_time", shown.getOrDefault("end_time", JsonValue.NULL))
                    .add("parents", refs(parents.get(id)))
                    .add("children", refs(children.get(id)))
                    .add("encapsulating", JsonValue.EMPTY_JSON_ARRAY)
                    .add("artifacts", JsonValue.EMPTY_JSON_ARRAY);
            nodes.add(jakarta.json.Json.createArrayBuilder().add(id).add(node));
            if (parents.get(id).isEmpty()) roots.add(id);
        });
        JsonArrayBuilder states = jakarta.json.Json.createArrayBuilder();
        em.createQuery("select s from FlowRunState s where s.flowRunId = :id order by s.timestamp, s.id", FlowRunState.class)
                .setParameter("id", flowRunId).getResultList().forEach(s -> states.add(jakarta.json.Json.createObjectBuilder()
                        .add("id", s.getId().toString()).add("timestamp", s.getTimestamp().toString())
                        .add("type", s.getType()).add("name", Json.parseObject(s.getBody()).getString("name"))));
        return jakarta.json.Json.createObjectBuilder()
                .add("start_time", runDoc.getOrDefault("start_time", JsonValue.NULL))
                .add("end_time", runDoc.getOrDefault("end_time", JsonValue.NULL))
                .add("root_node_ids", roots)
                .add("nodes", nodes)
                .add("artifacts", JsonValue.EMPTY_JSON_ARRAY)
                .add("states", states)
                .build();
    }

    private static JsonArrayBuilder refs(Set<String> ids) {
        JsonArrayBuilder out = jakarta.json.Json.createArrayBuilder();
        new ArrayList<>(ids).forEach(id -> out.add(jakarta.json.Json.createObjectBuilder().add("id", id)));
        return out;
    }
}
