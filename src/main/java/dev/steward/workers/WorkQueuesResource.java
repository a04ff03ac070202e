package dev.steward.workers;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
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
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's work queue routes by id ({@code /work_queues/...}) that its client still calls: create (in the agent
 * pool, as Prefect does without a pool), read by id or by name (the agent pool's), filter, update, delete, status and
 * {@code get_runs} (which claims, like the pool's {@code get_scheduled_flow_runs}).
 */
@Path("/workspaces/{workspace}/work_queues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class WorkQueuesResource {
    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    WorkerPolls polls;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        WorkQueues.Spec spec = WorkQueueDocument.readCreate(Body.parse(text));
        WorkPool pool = pools.agentPool();
        if (queues.find(pool.getId(), spec.name()).isPresent()) {
            throw new Conflict("A work queue with this name already exists.");
        }
        return Response.status(201).entity(pools.describe(queues.create(pool, spec))).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        return pools.describe(queues.get(id));
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("name/{name}")
    public JsonObject readByName(@PathParam("name") String name) {
        WorkPool pool = pools.agentPool();
        return pools.describe(queues.find(pool.getId(), name)
                .orElseThrow(() -> new NotFound("work queue not found")));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonArray filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("work_queues", "limit", "offset"));
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        WorkPoolFilter filter = WorkPoolFilter.queues(body.object("work_queues"));
        JsonArrayBuilder out = Json.createArrayBuilder();
        queues.list(null, filter, offset, limit).forEach(q -> out.add(pools.describe(q)));
        return out.build();
    }

    @PATCH
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id") UUID id, String text) {
        WorkQueues.Update update = WorkQueueDocument.readUpdate(Body.parse(text));
        queues.update(queues.get(id), update);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        queues.delete(queues.get(id));
        return Response.noContent().build();
    }

    /** Prefect's WorkQueueStatusDetail: healthy when polled in the last 60 s and no run of it is Late. */
    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}/status")
    public JsonObject status(@PathParam("id") UUID id) {
        return queues.health(queues.get(id));
    }

    /** The queue's due runs (Prefect's FlowRunResponse list), claimed as the pool's poll claims them. */
    @POST
    @Path("{id}/get_runs")
    @MinRole(Role.DEVELOPER)
    public JsonArray runs(@PathParam("id") UUID id, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("limit", "scheduled_before"));
        int limit = Paging.limit(body);
        Instant before = body.optionalInstant("scheduled_before").orElse(null);
        WorkQueue q = queues.get(id);
        JsonArray claimed = polls.claim(new ScheduledRuns.Poll(q.getWorkPoolId(), List.of(q.getId()), before, null, limit));
        queues.polled(List.of(q.getId()), Instant.now());
        JsonArrayBuilder out = Json.createArrayBuilder();
        claimed.forEach(r -> out.add(r.asJsonObject().get("flow_run")));
        return out.build();
    }
}
