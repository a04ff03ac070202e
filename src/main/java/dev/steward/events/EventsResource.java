package dev.steward.events;

import dev.steward.platform.ApiException;
import dev.steward.platform.Body;
import jakarta.enterprise.context.RequestScoped;
import dev.steward.platform.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Reading events: {@code POST /events/filter} and its next pages, as Prefect's API serves them. */
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
    @Path("filter")
    public JsonObject filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("filter", "limit"));
        int limit = body.integer("limit", MAX_LIMIT, 0, MAX_LIMIT);
        JsonObject filter = body.object("filter").json();
        return page(filter, limit, 0);
    }

    @GET
    @Path("filter/next")
    public JsonObject next(@QueryParam("page-token") String token) {
        JsonObject state;
        try {
            state = dev.steward.platform.Json.parseObject(
                    new String(Base64.getUrlDecoder().decode(token == null ? "" : token), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiException.forbidden("Invalid page token");
        }
        if (!state.containsKey("filter") || !state.containsKey("limit") || !state.containsKey("offset")) {
            throw ApiException.forbidden("Invalid page token");
        }
        return page(state.getJsonObject("filter"), state.getInt("limit"), state.getInt("offset"));
    }

    private JsonObject page(JsonObject filterJson, int limit, int offset) {
        EventStore.Page page = store.find(EventCriteria.parse(Body.parse(filterJson.toString())), offset, limit);
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
