package dev.steward.concurrency;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/**
 * Prefect 3's tag concurrency limits (v1) under a workspace: /api/workspaces/{workspace}/concurrency_limits/...,
 * an adapter over the v2 limits named {@code tag:<tag>}, as Prefect's own server keeps them since 3.x.
 */
@Path("/workspaces/{workspace}/concurrency_limits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class TagConcurrencyLimitsResource {
    @Inject
    ConcurrencyLimitService limits;

    @Inject
    Slots slots;

    /** Creates the limit of a tag (201), or sets the limit of an existing one (200). */
    @POST
    @MinRole(Role.DEVELOPER)
    public Response create(String text) {
        TagConcurrencyLimitDocument.Create create = TagConcurrencyLimitDocument.readCreate(Body.parse(text));
        ConcurrencyLimitService.Upserted result = limits.upsertTag(create.tag(), create.concurrencyLimit());
        return Response.status(result.created() ? 201 : 200).entity(describe(result.limit())).build();
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("{id}")
    public JsonObject read(@PathParam("id") UUID id) {
        ConcurrencyLimit limit = limits.find(id.toString())
                .filter(l -> l.getName().startsWith(TagLimits.PREFIX))
                .orElseThrow(TagConcurrencyLimitsResource::notFound);
        return describe(limit);
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("tag/{tag}")
    public JsonObject readByTag(@PathParam("tag") String tag) {
        return describe(byTag(tag));
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonValue filter(String text) {
        return SlotAnswers.page(Body.parse(text), (offset, limit) -> limits.list(TagLimits.PREFIX, offset, limit),
                this::describe);
    }

    /** Gives back every slot of the tag's limit; the task runs of {@code slot_override} then hold one each. */
    @POST
    @Path("tag/{tag}/reset")
    @MinRole(Role.DEVELOPER)
    public Response reset(@PathParam("tag") String tag, String text) {
        Body body = Body.parse(text);
        List<UUID> override = Body.uuids(body.optionalStrings("slot_override").orElse(List.of()), "slot_override");
        slots.resetTag(byTag(tag), override);
        return nullBody();
    }

    /** Deletes the limit with this id (whatever its name, as Prefect does). */
    @DELETE
    @Path("{id}")
    @MinRole(Role.DEVELOPER)
    public Response delete(@PathParam("id") UUID id) {
        String key = id.toString();
        if (limits.find(key).isEmpty()) throw notFound();
        limits.delete(key);
        return nullBody();
    }

    @DELETE
    @Path("tag/{tag}")
    @MinRole(Role.DEVELOPER)
    public Response deleteByTag(@PathParam("tag") String tag) {
        limits.delete(byTag(tag).getId().toString());
        return nullBody();
    }

    /** One slot of each tag's limit for a task run (no renewal: the lease lasts until the decrement). */
    @POST
    @Path("increment")
    @MinRole(Role.DEVELOPER)
    public Response increment(String text) {
        TaskRunTags request = TaskRunTags.of(Body.parse(text));
        Slots.Outcome outcome = slots.acquireForTags(request.tags(), request.taskRunId());
        if (outcome instanceof Slots.Denied denied) return SlotAnswers.locked(denied);
        return Response.ok(SlotAnswers.minimal(((Slots.Granted) outcome).limits(), l -> TagLimits.tag(l.getName())))
                .build();
    }

    @POST
    @Path("decrement")
    @MinRole(Role.DEVELOPER)
    public JsonValue decrement(String text) {
        TaskRunTags request = TaskRunTags.of(Body.parse(text));
        return SlotAnswers.minimal(slots.releaseForTags(request.tags(), request.taskRunId()), ConcurrencyLimit::getName);
    }

    /** What v1's increment and decrement send: the tags (as {@code names}) and the task run. */
    private record TaskRunTags(List<String> tags, UUID taskRunId) {
        static TaskRunTags of(Body body) {
            List<String> tags = body.optionalStrings("names").orElseThrow(() -> InvalidInput.missing("names"));
            return new TaskRunTags(tags, body.requiredUuid("task_run_id"));
        }
    }

    private ConcurrencyLimit byTag(String tag) {
        return limits.findByName(TagLimits.name(tag)).orElseThrow(TagConcurrencyLimitsResource::notFound);
    }

    private JsonObject describe(ConcurrencyLimit limit) {
        return TagConcurrencyLimitDocument.write(limit, slots.taskRunHolders(limit.getId()));
    }

    /** FastAPI's answer for these routes is JSON null with 200. */
    private static Response nullBody() {
        return Response.ok("null", MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Problem notFound() {
        return new NotFound("Concurrency limit not found");
    }
}
