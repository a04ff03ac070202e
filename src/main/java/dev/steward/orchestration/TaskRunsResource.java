package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** Task runs: recorded from the client's events, or created over HTTP for subflows; reads, filter, count, history, set_state. */
@Path("/workspaces/{workspace}/task_runs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class TaskRunsResource {
    private static final List<String> FILTER_FIELDS = List.of("flows", "flow_runs", "task_runs", "deployments",
            "sort", "limit", "offset");

    @PersistenceContext(unitName = "steward")
    EntityManager em;

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
        String run = RunRows.with(em, (c, ws) -> RunRows.taskRun(c, ws, id));
        if (run == null) throw new NotFound("Task not found");
        return Response.ok(run, MediaType.APPLICATION_JSON).build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    @Transactional
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FILTER_FIELDS);
        String order = RunQuery.taskOrder(body.optionalString("sort").orElse("ID_DESC"));
        return RunQuery.taskRuns(body).pageAsJson(em, TaskRun.class, order, body, TaskRun::getBody);
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("history")
    @Transactional
    public JsonValue history(String text) {
        return RunHistory.taskRuns(em, Body.parse(text));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    @Transactional
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FILTER_FIELDS);
        return RunQuery.taskRuns(body).count(em);
    }
}
