package dev.steward.workers;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.Forbidden;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Prefect 3's work pools API under a workspace: pools, their queues ({@code /work_pools/{name}/queues/...}), workers
 * ({@code .../workers/heartbeat|filter|{name}}) and {@code get_scheduled_flow_runs}.
 */
@Path("/workspaces/{workspace}/work_pools")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class WorkPoolsResource {
    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    WorkerPolls polls;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        WorkPool pool = pools.create(WorkPoolDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(pools.describe(pool)).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{name}")
    public JsonObject read(@PathParam("name") String name) {
        return pools.describe(pools.byName(name));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonArray filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("work_pools", "limit", "offset"));
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        JsonArrayBuilder out = Json.createArrayBuilder();
        pools.list(WorkPoolFilter.pools(body.object("work_pools")), offset, limit).forEach(p -> out.add(pools.describe(p)));
        return out.build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count")
    public long count(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("work_pools"));
        return pools.count(WorkPoolFilter.pools(body.object("work_pools")));
    }

    @PATCH
    @Path("{name}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("name") String name, String text) {
        WorkPools.Update update = WorkPoolDocument.readUpdate(Body.parse(text));
        pools.update(pools.byName(name), update);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{name}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("name") String name) {
        if (name.toLowerCase(java.util.Locale.ROOT).startsWith("prefect")) {
            throw new Forbidden("Work pools starting with 'Prefect' are reserved for internal use and can not be deleted.");
        }
        pools.delete(pools.byName(name));
        return Response.noContent().build();
    }

    /**
     * The pool's due runs for a worker, claimed for it ({@link ScheduledRuns}); the polled queues become READY.
     * Unknown queue names are Prefect's 404.
     */
    @POST
    @Path("{name}/get_scheduled_flow_runs")
    @MinRole(Role.DEVELOPER)
    public JsonArray scheduledRuns(@PathParam("name") String name, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("work_queue_names", "scheduled_before", "scheduled_after", "limit"));
        List<String> names = body.optionalStrings("work_queue_names").orElse(List.of());
        Instant before = body.optionalInstant("scheduled_before").orElse(null);
        Instant after = body.optionalInstant("scheduled_after").orElse(null);
        int limit = Paging.limit(body);
        WorkPool pool = pools.byName(name);
        List<UUID> queueIds = null;
        List<UUID> polled = new ArrayList<>();
        if (names.isEmpty()) {
            queues.inPool(pool.getId()).forEach(q -> polled.add(q.getId()));
        } else {
            queueIds = new ArrayList<>();
            for (String queueName : names) queueIds.add(queues.byName(pool, queueName).getId());
            polled.addAll(queueIds);
        }
        JsonArray runs = polls.claim(new ScheduledRuns.Poll(pool.getId(), queueIds, before, after, limit));
        queues.polled(polled, Instant.now());
        return runs;
    }

    @POST
    @Path("{name}/queues")
    @MinRole(Role.DEVELOPER)
    public Response createQueue(@PathParam("name") String name, String text) {
        WorkQueues.Spec spec = WorkQueueDocument.readCreate(Body.parse(text));
        WorkQueue q = queues.create(pools.byName(name), spec);
        return Response.status(201).entity(pools.describe(q)).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{name}/queues/{queue}")
    public JsonObject readQueue(@PathParam("name") String name, @PathParam("queue") String queue) {
        return pools.describe(queues.byName(pools.byName(name), queue));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("{name}/queues/filter")
    public JsonArray filterQueues(@PathParam("name") String name, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("work_queues", "limit", "offset"));
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        WorkPoolFilter filter = WorkPoolFilter.queues(body.object("work_queues"));
        WorkPool pool = pools.byName(name);
        JsonArrayBuilder out = Json.createArrayBuilder();
        queues.list(pool.getId(), filter, offset, limit).forEach(q -> out.add(pools.describe(q)));
        return out.build();
    }

    @PATCH
    @Path("{name}/queues/{queue}")
    @MinRole(Role.DEVELOPER)
    public Response updateQueue(@PathParam("name") String name, @PathParam("queue") String queue, String text) {
        WorkQueues.Update update = WorkQueueDocument.readUpdate(Body.parse(text));
        queues.update(queues.byName(pools.byName(name), queue), update);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{name}/queues/{queue}")
    @MinRole(Role.DEVELOPER)
    public Response deleteQueue(@PathParam("name") String name, @PathParam("queue") String queue) {
        queues.delete(queues.byName(pools.byName(name), queue));
        return Response.noContent().build();
    }

    @POST
    @Path("{name}/workers/heartbeat")
    @MinRole(Role.DEVELOPER)
    public Response heartbeat(@PathParam("name") String name, String text) {
        WorkerDocument.Heartbeat heartbeat = WorkerDocument.readHeartbeat(Body.parse(text));
        pools.heartbeat(pools.byName(name), heartbeat.name(), heartbeat.intervalSeconds(), false);
        return Response.noContent().build();
    }

    /** The pool's workers that pass Prefect's WorkerFilter ({@link WorkerFilter}), most recent heartbeat first. */
    @POST
    @MinRole(Role.VIEWER)
    @Path("{name}/workers/filter")
    public JsonArray filterWorkers(@PathParam("name") String name, String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("workers", "limit", "offset"));
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        WorkerFilter filter = new WorkerFilter(body.object("workers"));
        Instant now = Instant.now();
        WorkPool pool = pools.byName(name);
        JsonArrayBuilder out = Json.createArrayBuilder();
        pools.workers(pool.getId()).stream().filter(w -> filter.matches(w, WorkPools.workerStatus(w, now)))
                .skip(offset).limit(limit).forEach(w -> out.add(WorkerDocument.write(w, WorkPools.workerStatus(w, now))));
        return out.build();
    }

    @DELETE
    @Path("{name}/workers/{worker}")
    @MinRole(Role.DEVELOPER)
    public Response deleteWorker(@PathParam("name") String name, @PathParam("worker") String worker) {
        pools.deleteWorker(pools.byName(name), worker);
        return Response.noContent().build();
    }
}
