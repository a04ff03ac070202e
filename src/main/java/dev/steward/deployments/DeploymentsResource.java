package dev.steward.deployments;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.orchestration.FlowRunService;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Prefect 3's deployments API under a workspace: /api/workspaces/{workspace}/deployments/... */
@Path("/workspaces/{workspace}/deployments")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class DeploymentsResource {
    @Inject
    DeploymentService deployments;

    @Inject
    DeploymentSchedules schedules;

    @Inject
    DeploymentRuns runs;

    @Inject
    DeploymentSettings settings;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        DeploymentService.Upserted result = deployments.upsert(Body.parse(text));
        return Response.status(result.created() ? 201 : 200).entity(result.deployment()).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return deployments.get(id);
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("name/{flow}/{name}")
    public JsonObject readByName(@PathParam("flow") String flow, @PathParam("name") String name) {
        return deployments.getByName(flow, name);
    }

    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        deployments.update(id, Body.parse(text));
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        deployments.delete(id);
        return Response.noContent().build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonArray filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(withPaging("offset"));
        return deployments.filter(body, body.integer("offset", 0, 0, Integer.MAX_VALUE), Paging.limit(body));
    }

    /** Prefect's DeploymentPaginationResponse: results, count, limit, pages, page. */
    @POST
    @MinRole(Role.VIEWER)
    @Path("paginate")
    public JsonObject paginate(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(withPaging("page"));
        int limit = Paging.limit(body);
        int page = body.integer("page", 1, 1, Integer.MAX_VALUE);
        long count = deployments.count(body);
        return Json.createObjectBuilder()
                .add("results", deployments.filter(body, (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * limit), limit))
                .add("count", count).add("limit", limit)
                .add("pages", limit > 0 ? (count + limit - 1) / limit : 0).add("page", page)
                .build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(DeploymentDocument.FILTER_FIELDS);
        return deployments.count(body);
    }

    @POST
    @Path("{id}/pause_deployment")
    @MinRole(Role.DEVELOPER)
    public Response pause(@PathParam("id") UUID id) {
        deployments.setPaused(id, true);
        return Response.ok(JsonValue.NULL).build();
    }

    @POST
    @Path("{id}/resume_deployment")
    @MinRole(Role.DEVELOPER)
    public Response resume(@PathParam("id") UUID id) {
        deployments.setPaused(id, false);
        return Response.ok(JsonValue.NULL).build();
    }

    @POST
    @Path("{id}/create_flow_run")
    @MinRole(Role.DEVELOPER)
    public Response createFlowRun(@PathParam("id") UUID id, String text) {
        FlowRunService.Created created = runs.createFlowRun(id, Body.parse(text));
        return Response.status(created.created() ? 201 : 200).entity(created.run()).type(MediaType.APPLICATION_JSON).build();
    }

    /**
     * {@code POST /deployments/{id}/schedule}: runs from the active schedules between start_time and end_time
     * (backfills included), with Prefect's min/max rules and defaults.
     */
    @POST
    @Path("{id}/schedule")
    @MinRole(Role.DEVELOPER)
    public Response schedule(@PathParam("id") UUID id, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("start_time", "end_time", "min_time", "min_runs", "max_runs"));
        Instant start = body.optionalInstant("start_time").orElseGet(Instant::now);
        Instant end = body.optionalInstant("end_time").orElse(start.plus(settings.maxScheduledTime()));
        Duration minTime = body.has("min_time") && !body.isExplicitNull("min_time")
                ? Duration.ofMillis(Math.round(body.number("min_time", 0, 0, Double.MAX_VALUE) * 1000))
                : settings.minScheduledTime();
        runs.scheduleRuns(id, start, end, minTime,
                body.integer("min_runs", settings.minRuns(), 0, Integer.MAX_VALUE),
                body.integer("max_runs", settings.maxRuns(), 0, Integer.MAX_VALUE));
        return Response.ok(JsonValue.NULL).build();
    }

    /** What {@code flow.serve()}'s runner polls: the due SCHEDULED runs of its deployments. */
    @POST
    @MinRole(Role.DEVELOPER)
    @Path("get_scheduled_flow_runs")
    public JsonArray scheduledRuns(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("deployment_ids", "scheduled_before", "limit"));
        if (!body.has("deployment_ids")) throw InvalidInput.missing("deployment_ids");
        List<UUID> ids = body.optionalUuids("deployment_ids").orElse(List.of());
        return runs.scheduledRuns(ids, body.optionalInstant("scheduled_before").orElse(null), Paging.limit(body));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}/schedules")
    public JsonArray readSchedules(@PathParam("id") UUID id) {
        return schedules.read(id);
    }

    /** The body is the list of schedules itself (Prefect's {@code List[DeploymentScheduleCreate]}). */
    @POST
    @Path("{id}/schedules")
    @MinRole(Role.DEVELOPER)
    public Response createSchedules(@PathParam("id") UUID id, String text) {
        JsonValue value;
        try {
            value = text == null || text.isBlank() ? null : Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field("", "Malformed JSON: " + e.getCause().getMessage());
        }
        if (!(value instanceof JsonArray array)) throw InvalidInput.field("", "Input should be a valid list");
        List<Body> given = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject o)) throw InvalidInput.field(String.valueOf(i), "Input should be a valid dictionary");
            given.add(Body.of(o));
        }
        return Response.status(201).entity(schedules.create(id, given)).build();
    }

    @PATCH
    @Path("{id}/schedules/{schedule}")
    @MinRole(Role.DEVELOPER)
    public Response updateSchedule(@PathParam("id") UUID id, @PathParam("schedule") UUID schedule, String text) {
        schedules.update(id, schedule, Body.parse(text));
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}/schedules/{schedule}")
    @MinRole(Role.DEVELOPER)
    public Response deleteSchedule(@PathParam("id") UUID id, @PathParam("schedule") UUID schedule) {
        schedules.delete(id, schedule);
        return Response.noContent().build();
    }

    private static List<String> withPaging(String position) {
        List<String> fields = new ArrayList<>(DeploymentDocument.FILTER_FIELDS);
        fields.addAll(List.of("sort", "limit", position));
        return fields;
    }
}
