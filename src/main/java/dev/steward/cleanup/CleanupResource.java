package dev.steward.cleanup;

import dev.steward.access.MinRole;
import dev.steward.access.RequestTenant;
import dev.steward.access.Role;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.workers.WorkPool;
import dev.steward.workers.WorkPools;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * The operators' view of a workspace's cleanup queues (Steward's own API; Prefect has none): per work pool its depth,
 * deliveries in flight and totals, its dead letters with their reason and delivery history, any message by id, and
 * redrive and purge of dead letters. Admin role: redrive makes workers act on infrastructure again.
 */
@Path("/workspaces/{workspace}/cleanup")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@MinRole(Role.ADMIN)
public class CleanupResource {
    private static final int MAX_LIMIT = 200;

    @Inject
    CleanupQueue queue;

    @Inject
    WorkPools pools;

    @Inject
    RequestTenant tenant;

    /** Every pool of the workspace with a queue, with its figures. */
    @GET
    public JsonArray all() {
        UUID ws = tenant.workspaceId();
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (PoolKey key : queue.pools()) {
            if (!key.workspaceId().equals(ws)) continue;
            pools.get(key.workPoolId()).ifPresent(p -> out.add(stats(p, key)));
        }
        return out.build();
    }

    @GET
    @Path("{pool}")
    public JsonObject stats(@PathParam("pool") String pool) {
        WorkPool p = pools.byName(pool);
        return stats(p, key(p));
    }

    @GET
    @Path("{pool}/dead_letters")
    public JsonArray deadLetters(@PathParam("pool") String pool, @QueryParam("offset") @DefaultValue("0") int offset,
                                 @QueryParam("limit") @DefaultValue("50") int limit) {
        if (offset < 0) throw InvalidInput.field("offset", "Input should be greater than or equal to 0");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw InvalidInput.field("limit", "Input should be between 1 and " + MAX_LIMIT);
        }
        JsonArrayBuilder out = Json.createArrayBuilder();
        queue.deadLetters(key(pools.byName(pool)), offset, limit).forEach(m -> out.add(m.toJson()));
        return out.build();
    }

    @GET
    @Path("{pool}/messages/{id}")
    public JsonObject message(@PathParam("pool") String pool, @PathParam("id") UUID id) {
        CleanupMessage m = queue.read(key(pools.byName(pool)), id);
        if (m == null) throw new NotFound("Cleanup message not found");
        return m.toJson();
    }

    /** Puts a dead letter back in the queue with its attempts renewed. */
    @POST
    @Path("{pool}/dead_letters/{id}/redrive")
    public JsonObject redrive(@PathParam("pool") String pool, @PathParam("id") UUID id) {
        PoolKey key = key(pools.byName(pool));
        if (!queue.redrive(key, id)) throw new NotFound("Dead letter not found");
        return queue.read(key, id).toJson();
    }

    /** Deletes a dead letter for good (and frees its idempotency key). */
    @DELETE
    @Path("{pool}/dead_letters/{id}")
    public Response purge(@PathParam("pool") String pool, @PathParam("id") UUID id) {
        if (!queue.purge(key(pools.byName(pool)), id)) throw new NotFound("Dead letter not found");
        return Response.noContent().build();
    }

    private PoolKey key(WorkPool p) {
        return new PoolKey(tenant.workspaceId(), p.getId());
    }

    private JsonObject stats(WorkPool p, PoolKey key) {
        QueueStats s = queue.stats(key);
        return Json.createObjectBuilder().add("work_pool_id", p.getId().toString()).add("work_pool_name", p.getName())
                .add("visible", s.visible()).add("ready", s.ready()).add("in_flight", s.inFlight())
                .add("dead_letters", s.dead()).add("enqueued", s.enqueued()).add("acked", s.acked())
                .add("retries", s.retries()).add("dead_lettered", s.deadLettered()).build();
    }

}
