package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Timestamps;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Prefect 3's flow runs API under a workspace (create, read, update, labels, delete, set_state, resume, inputs, filter,
 * count, history).
 */
@Path("/workspaces/{workspace}/flow_runs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class FlowRunsResource {
    @Inject
    FlowRunService runs;

    @Inject
    FlowRunStore flowRuns;

    @Inject
    RunGraph graph;

    @Inject
    FlowRunInputs inputs;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        FlowRunService.Created created = runs.create(Body.parse(text));
        return Response.status(created.created() ? 201 : 200).entity(created.run()).type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public Response read(@PathParam("id") UUID id) {
        return Response.ok(runs.get(id), MediaType.APPLICATION_JSON).build();
    }

    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        runs.update(id, Body.parse(text));
        return Response.noContent().build();
    }

    /** The body is the labels themselves, merged into the run's (Prefect's {@code Dict[str, Any]} body). */
    @PATCH
    @Path("{id}/labels")
    @MinRole(Role.DEVELOPER)
    public Response updateLabels(@PathParam("id") UUID id, String text) {
        if (text == null || text.isBlank()) throw InvalidInput.missing("");
        runs.updateLabels(id, Body.parse(text).json());
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        runs.delete(id);
        return Response.noContent().build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("history")
    @Transactional
    public JsonValue history(String text) {
        return flowRuns.history(TenantScope.workspaceId(), Body.parse(text));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}/graph-v2")
    public Response graph(@PathParam("id") UUID id, @QueryParam("since") String since) {
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Timestamps.parse(since);
            } catch (DateTimeParseException e) {
                throw InvalidInput.parameter("query", "since", "Input should be a valid datetime", "datetime_parsing");
            }
        }
        return Response.ok(graph.of(TenantScope.workspaceId(), id, from), MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("{id}/set_state")
    @MinRole(Role.DEVELOPER)
    public Response setState(@PathParam("id") UUID id, String text) {
        FlowRunService.Orchestrated result = runs.setState(id, Body.parse(text));
        return Response.status(result.newState() ? 201 : 200).entity(result.result()).build();
    }

    /** Resumes a paused run: Prefect's OrchestrationResult, 201 when a new state was written. */
    @POST
    @Path("{id}/resume")
    @MinRole(Role.DEVELOPER)
    public Response resume(@PathParam("id") UUID id, String text) {
        FlowRunService.Orchestrated result = runs.resume(id, Body.parse(text));
        return Response.status(result.newState() ? 201 : 200).entity(result.result()).build();
    }

    /** Prefect's flow-run input API: create (201, no body), filter by key prefix, read a value, delete. */
    @POST
    @Path("{id}/input")
    @MinRole(Role.DEVELOPER)
    public Response createInput(@PathParam("id") UUID id, String text) {
        inputs.create(id, Body.parse(text));
        return Response.status(201).entity("null").build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("{id}/input/filter")
    public JsonValue filterInputs(@PathParam("id") UUID id, String text) {
        return inputs.filter(id, Body.parse(text));
    }

    /** The value as Prefect answers it: the stored text, as text/plain. */
    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}/input/{key}")
    public Response readInput(@PathParam("id") UUID id, @PathParam("key") String key) {
        return inputs.value(id, key).map(v -> Response.ok(v, MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8")).build())
                .orElseThrow(() -> new NotFound("Flow run input not found"));
    }

    @DELETE
    @Path("{id}/input/{key}")
    @MinRole(Role.DEVELOPER)
    public Response deleteInput(@PathParam("id") UUID id, @PathParam("key") String key) {
        if (!inputs.delete(id, key)) throw new NotFound("Flow run input not found");
        return Response.noContent().build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    @Transactional
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowRunDocument.FILTER_FIELDS);
        return flowRuns.filter(TenantScope.workspaceId(), body);
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    @Transactional
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(FlowRunDocument.FILTER_FIELDS);
        return flowRuns.count(TenantScope.workspaceId(), body);
    }

}
