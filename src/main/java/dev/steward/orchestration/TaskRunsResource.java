package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** Task runs: recorded from the client's events, or created over HTTP for subflows; reads, filter, count, history, set_state. */
@Path("/workspaces/{workspace}/task_runs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class TaskRunsResource {
    @Inject
    TaskRunStore taskRunStore;

    @Inject
    TaskRunService taskRuns;

    /** Task runs the client creates over HTTP (subflow placeholders): 201 when new, 200 when it exists. */
    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        TaskRunService.Created created = taskRuns.create(Body.parse(text));
        return Response.status(created.created() ? 201 : 200).entity(created.run()).type(MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("{id}/set_state")
    @MinRole(Role.DEVELOPER)
    public Response setState(@PathParam("id") UUID id, String text) {
        FlowRunService.Orchestrated result = taskRuns.setState(id, Body.parse(text));
        return Response.status(result.newState() ? 201 : 200).entity(result.result()).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    @Transactional
    public Response read(@PathParam("id") UUID id) {
        String run = taskRunStore.find(TenantScope.workspaceId(), id).orElseThrow(() -> new NotFound("Task not found"));
        return Response.ok(run, MediaType.APPLICATION_JSON).build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    @Transactional
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(TaskRunDocument.FILTER_FIELDS);
        return taskRunStore.filter(TenantScope.workspaceId(), body);
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("history")
    @Transactional
    public JsonValue history(String text) {
        return taskRunStore.history(TenantScope.workspaceId(), Body.parse(text));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    @Transactional
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(TaskRunDocument.FILTER_FIELDS);
        return taskRunStore.count(TenantScope.workspaceId(), body);
    }
}
