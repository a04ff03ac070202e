package dev.steward.orchestration;

import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * Prefect's Flow document: the fields a request may send, the name rule, and the JSON written out (the flow itself,
 * and what its lifecycle events carry).
 */
public final class FlowDocument {
    /** {@code POST /flows/}. */
    static final List<String> CREATE_FIELDS = List.of("name", "tags", "labels");
    /** {@code PATCH /flows/{id}}: only the tags change. */
    static final List<String> UPDATE_FIELDS = List.of("tags");
    /** The filters of {@code /flows/count}; Prefect's client also sends work_queues, which its server ignores. */
    static final List<String> FILTERS = List.of("flows", "flow_runs", "task_runs", "deployments", "work_pools",
            "work_queues");
    /** {@code /flows/filter}: the filters, paged and sorted. */
    static final List<String> FILTER_FIELDS = List.of("flows", "flow_runs", "task_runs", "deployments",
            "work_pools", "work_queues", "offset", "limit", "sort");
    /** Prefect's banned characters in names. */
    static final String BANNED = "/%&><";

    private FlowDocument() {}

    /** A name Prefect takes: not empty, none of its banned characters, and within the column's length. */
    static void checkName(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> BANNED.indexOf(c) >= 0)) {
            throw InvalidInput.field("name", "String should match pattern '^[^/%&><]+$'");
        }
        RunJson.checkName(name, "name");
    }

    /** Prefect's Flow object. */
    public static JsonObject of(Flow f) {
        JsonObjectBuilder flow = Json.createObjectBuilder()
                .add("id", f.getId().toString())
                .add("created", f.getCreated().toString())
                .add("updated", f.getUpdated().toString());
        eventPayload(f).forEach(flow::add);
        return flow.build();
    }

    /** What Prefect's flow lifecycle events carry: name, tags and labels. */
    static JsonObject eventPayload(Flow f) {
        return Json.createObjectBuilder()
                .add("name", f.getName())
                .add("tags", Json.strings(f.getTags()))
                .add("labels", Json.parseObject(f.getLabels()))
                .build();
    }
}
