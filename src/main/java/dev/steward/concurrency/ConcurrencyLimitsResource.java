package dev.steward.concurrency;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Gone;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import java.util.List;
import java.util.UUID;

/** Prefect 3's global concurrency limits (v2) under a workspace: /api/workspaces/{workspace}/v2/concurrency_limits/... */
@Path("/workspaces/{workspace}/v2/concurrency_limits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ConcurrencyLimitsResource {
    private static final double MAX_LEASE_SECONDS = 24 * 60 * 60;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    Slots slots;

    @Inject
    ConcurrencySettings settings;

    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        ConcurrencyLimit limit = limits.create(ConcurrencyLimitDocument.readCreate(Body.parse(text)));
        return Response.status(201).entity(limits.describe(limit)).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id_or_name}")
    public JsonObject read(@PathParam("id_or_name") String idOrName) {
        return ConcurrencyLimitDocument.write(limits.get(idOrName));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        return SlotAnswers.page(Body.parse(text), (offset, limit) -> limits.list(null, offset, limit),
                ConcurrencyLimitDocument::write);
    }

    @PATCH
    @Path("{id_or_name}")
    @MinRole(Role.DEVELOPER)
    public Response update(@PathParam("id_or_name") String idOrName, String text) {
        limits.update(idOrName, ConcurrencyLimitDocument.readUpdate(Body.parse(text)));
        return Response.noContent().build();
    }

    @DELETE
    @Path("{id_or_name}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id_or_name") String idOrName) {
        limits.delete(idOrName);
        return Response.noContent().build();
    }

    /** Takes slots without a lease; 423 with Retry-After when they are not all free. */
    @POST
    @Path("increment")
    @MinRole(Role.DEVELOPER)
    public Response increment(String text) {
        Body body = Body.parse(text);
        body.optionalBoolean("create_if_missing"); // deprecated and ignored, as by Prefect; still type-checked
        Slots.Outcome outcome = acquire(body, null);
        if (outcome instanceof Slots.Denied denied) return SlotAnswers.locked(denied);
        return Response.ok(SlotAnswers.minimal(((Slots.Granted) outcome).limits(), ConcurrencyLimit::getName)).build();
    }

    /** Takes slots under a lease the client renews; answers {lease_id, limits}. */
    @POST
    @Path("increment-with-lease")
    @MinRole(Role.DEVELOPER)
    public Response incrementWithLease(String text) {
        Body body = Body.parse(text);
        Slots.Outcome outcome = acquire(body, new Slots.LeaseRequest(leaseDuration(body), holder(body)));
        if (outcome instanceof Slots.Denied denied) return SlotAnswers.locked(denied);
        Slots.Granted granted = (Slots.Granted) outcome;
        return Response.ok(Json.createObjectBuilder()
                .add("lease_id", granted.leaseId().toString())
                .add("limits", SlotAnswers.minimal(granted.limits(), ConcurrencyLimit::getName))
                .build()).build();
    }

    @POST
    @Path("decrement")
    @MinRole(Role.DEVELOPER)
    public JsonValue decrement(String text) {
        Body body = Body.parse(text);
        int n = SlotAnswers.slots(body);
        List<String> names = SlotAnswers.names(body);
        Double occupancy = null;
        if (body.has("occupancy_seconds") && !body.json().isNull("occupancy_seconds")) {
            occupancy = body.number("occupancy_seconds", 0, 0, Double.MAX_VALUE);
            if (occupancy <= 0) throw InvalidInput.field("occupancy_seconds", "Input should be greater than 0");
        }
        body.optionalBoolean("create_if_missing");
        return SlotAnswers.minimal(slots.release(names, n, occupancy), ConcurrencyLimit::getName);
    }

    /** Gives back a lease's slots; an unknown lease is no error (204 all the same). */
    @POST
    @Path("decrement-with-lease")
    @MinRole(Role.DEVELOPER)
    public Response decrementWithLease(String text) {
        Body body = Body.parse(text);
        slots.releaseLease(body.requiredUuid("lease_id"));
        return Response.noContent().build();
    }

    /** 204 when renewed; 410 Gone when the lease is unknown, released or expired. */
    @POST
    @Path("leases/{lease_id}/renew")
    @MinRole(Role.DEVELOPER)
    public Response renew(@PathParam("lease_id") String leaseId, String text) {
        UUID id = SlotAnswers.pathUuid(leaseId, "lease_id");
        Duration ttl = leaseDuration(Body.parse(text));
        if (!slots.renew(id, ttl)) {
            throw new Gone("Lease not found - it may have expired or been revoked");
        }
        return Response.noContent().build();
    }

    /** slots, names and mode of an increment. */
    private Slots.Outcome acquire(Body body, Slots.LeaseRequest lease) {
        int n = SlotAnswers.slots(body);
        List<String> names = SlotAnswers.names(body);
        return slots.acquire(names, n, mode(body), lease);
    }

    private static Slots.Mode mode(Body body) {
        String mode = body.optionalString("mode").orElse("concurrency");
        return switch (mode) {
            case "concurrency" -> Slots.Mode.CONCURRENCY;
            case "rate_limit" -> Slots.Mode.RATE_LIMIT;
            default -> throw InvalidInput.field("mode", "Input should be 'concurrency' or 'rate_limit'");
        };
    }

    private Duration leaseDuration(Body body) {
        double seconds = body.number("lease_duration", 300, settings.leaseMinSeconds(), MAX_LEASE_SECONDS);
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    private static ConcurrencyLease.Holder holder(Body body) {
        if (!body.has("holder") || body.json().isNull("holder")) return null;
        Body holder = body.object("holder");
        holder.rejectUnknown(List.of("type", "id"));
        String type = holder.requiredString("type");
        if (!List.of("flow_run", "task_run", "deployment").contains(type)) {
            throw InvalidInput.field("holder.type", "Input should be 'flow_run', 'task_run' or 'deployment'");
        }
        UUID id = Body.uuids(List.of(holder.requiredString("id")), "holder.id").get(0);
        return new ConcurrencyLease.Holder(type, id);
    }
}
