package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** A run's state history, oldest first: {@code GET /flow_run_states/?flow_run_id=} and {@code /task_run_states/}. */
@Path("/workspaces/{workspace}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RunStatesResource {
    @Inject
    FlowRunStore flowRuns;

    @Inject
    TaskRunStore taskRuns;

    @GET
    @MinRole(Role.VIEWER)
    @Path("flow_run_states")
    @Transactional
    public JsonValue flowRunStates(@QueryParam("flow_run_id") UUID flowRunId) {
        return history(flowRuns.states(TenantScope.workspaceId(), required(flowRunId, "flow_run_id")));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("task_run_states")
    @Transactional
    public JsonValue taskRunStates(@QueryParam("task_run_id") UUID taskRunId) {
        return history(taskRuns.states(TenantScope.workspaceId(), required(taskRunId, "task_run_id")));
    }

    private static JsonValue history(List<String> states) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        states.forEach(s -> out.add(Json.parseObject(s)));
        return out.build();
    }

    private static UUID required(UUID id, String name) {
        if (id == null) throw InvalidInput.parameter("query", name, "Field required", "missing");
        return id;
    }
}
