package dev.steward.events;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Reading events: {@code POST /events/filter}, its next pages and {@code POST /events/count-by/{countable}}, as Prefect's API serves them. */
@Path("/workspaces/{workspace}/events")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class EventsResource {
    private static final int MAX_LIMIT = 50;

    @Inject
    EventStore store;

    @Context
    UriInfo uri;

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    public JsonObject filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("filter", "limit"));
        int limit = body.integer("limit", MAX_LIMIT, 0, MAX_LIMIT);
        JsonObject filter = body.object("filter").json();
        return page(filter, limit, 0);
    }

    @GET
    @MinRole(Role.VIEWER)
    @Path("filter/next")
    public JsonObject next(@QueryParam("page-token") String token) {
        JsonObject state;
        try {
            state = dev.steward.platform.Json.parseObject(
                    new String(Base64.getUrlDecoder().decode(token == null ? "" : token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new Forbidden("Invalid page token");
        }
        // a token is the client's to send back unchanged: anything else in it is refused, never trusted
        if (!(state.get("filter") instanceof JsonObject filter) || !(state.get("limit") instanceof JsonNumber limit)
                || !(state.get("offset") instanceof JsonNumber offset) || !limit.isIntegral() || !offset.isIntegral()
                || limit.bigDecimalValue().signum() < 0 || limit.bigDecimalValue().compareTo(BigDecimal.valueOf(MAX_LIMIT)) > 0
                || offset.bigDecimalValue().signum() < 0
                || offset.bigDecimalValue().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new Forbidden("Invalid page token");
        }
        return page(filter, limit.intValue(), offset.intValue());
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("count-by/{countable}")
    public JsonArray countBy(@PathParam("countable") String countableName, String text) {
        EventCounts.Countable countable;
        try {
            countable = EventCounts.Countable.valueOf(countableName);
        } catch (IllegalArgumentException e) {
            throw InvalidInput.parameter("path", "countable", "Input should be 'day', 'time', 'event' or 'resource'", "enum");
        }
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("filter", "time_unit", "time_interval"));
        if (!body.has("filter") || body.json().isNull("filter")) throw InvalidInput.missing("filter");
        EventCounts.TimeUnit unit;
        try {
            unit = EventCounts.TimeUnit.valueOf(body.optionalString("time_unit").orElse("day"));
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field("time_unit", "Input should be 'week', 'day', 'hour', 'minute' or 'second'");
        }
        double interval = body.number("time_interval", 1.0);
        if (!(interval >= 0.01)) throw InvalidInput.field("time_interval", "Input should be greater than or equal to 0.01");
        return store.countBy(EventCriteria.parse(body.object("filter")), countable, unit, interval);
    }

    private JsonObject page(JsonObject filterJson, int limit, int offset) {
        // parsed where it sits in the request, so that a 422 names the field as Prefect does (body.filter....)
        Body filter = Body.of(Json.createObjectBuilder().add("filter", filterJson).build()).object("filter");
        EventStore.Page page = store.find(EventCriteria.parse(filter), offset, limit);
        List<JsonObject> events = page.events();
        long total = page.total();
        JsonArrayBuilder items = Json.createArrayBuilder();
        events.forEach(items::add);
        JsonObjectBuilder out = Json.createObjectBuilder().add("events", items).add("total", total);
        if (offset + events.size() < total && limit > 0) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.createObjectBuilder()
                    .add("filter", filterJson).add("limit", limit).add("offset", offset + events.size())
                    .build().toString().getBytes(StandardCharsets.UTF_8));
            out.add("next_page", uri.getAbsolutePathBuilder().replacePath(null)
                    .path(uri.getBaseUri().getPath())
                    .path("workspaces").path(uri.getPathParameters().getFirst("workspace"))
                    .path("events/filter/next").queryParam("page-token", token).build().toString());
        } else {
            out.addNull("next_page");
        }
        return out.build();
    }
}
