package dev.steward.automations;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Prefect's {@code POST /templates/validate} (and the older {@code /automations/templates/validate} its UI still
 * calls): the body is the template as a JSON string; 204 when it parses and keeps to Prefect's limits on loops, else
 * 422 with {@code {"error": {"line", "message", "source"}}}.
 */
@Path("/workspaces/{workspace}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class TemplatesResource {
    @Inject
    Templates templates;

    @POST
    @MinRole(Role.VIEWER)
    @Path("templates/validate")
    public Response validate(String text) {
        return answer(templates, text);
    }

    /** The answer of both routes (the older one lives under {@link AutomationsResource}'s path). */
    static Response answer(Templates templates, String text) {
        String template = template(text);
        return templates.check(template)
                .map(error -> Response.status(422).entity(error.answer(template)).build())
                .orElseGet(() -> Response.noContent().build());
    }

    /** The body: a JSON string; an empty body is the empty template, as FastAPI's default of "". */
    private static String template(String text) {
        if (text == null || text.isBlank()) return "";
        JsonValue value = Body.value(text);
        if (!(value instanceof JsonString s)) throw InvalidInput.field("body", "Input should be a valid string");
        return s.getString();
    }
}
