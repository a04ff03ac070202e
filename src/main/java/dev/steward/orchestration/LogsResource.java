package dev.steward.orchestration;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Where;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/** Prefect's logs API: batches from clients ({@code POST /logs/}) and reading them back ({@code POST /logs/filter}). */
@Path("/workspaces/{workspace}/logs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class LogsResource {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @POST
    @MinRole(Role.DEVELOPER)
    @Transactional
    public Response create(String text) {
        JsonValue parsed;
        try {
            parsed = dev.steward.platform.Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field("", "Malformed JSON");
        }
        if (!(parsed instanceof JsonArray batch)) throw InvalidInput.field("", "Input should be a valid list");
        Instant now = Instant.now();
        for (int i = 0; i < batch.size(); i++) {
            if (!(batch.get(i) instanceof JsonObject o)) throw InvalidInput.field(String.valueOf(i), "Input should be a valid dictionary");
            em.persist(LogDocument.read(Body.parse(o.toString()), i, now));
        }
        return Response.status(201).entity("null").build();
    }

    @POST
    @MinRole(Role.VIEWER)
    @Path("filter")
    @Transactional
    public JsonValue filter(String text) {
        Body body = Body.parse(text);
        body.rejectUnknown(List.of("logs", "limit", "offset", "sort"));
        Body logs = body.object("logs");
        logs.rejectUnknown(List.of("operator", "flow_run_id", "task_run_id", "level"));
        Where where = new Where();
        logs.object("flow_run_id").optionalStrings("any_")
                .ifPresent(ids -> where.and("l.flowRunId in " + where.param(Body.uuids(ids, "logs"))));
        logs.object("task_run_id").optionalStrings("any_")
                .ifPresent(ids -> where.and("l.taskRunId in " + where.param(Body.uuids(ids, "logs"))));
        Body level = logs.object("level");
        if (level.has("ge_")) where.and("l.level >= " + where.param(level.integer("ge_", 0, 0, 100)));
        if (level.has("le_")) where.and("l.level <= " + where.param(level.integer("le_", 100, 0, 100)));
        String sort = body.optionalString("sort").orElse("TIMESTAMP_ASC");
        String order = switch (sort) {
            case "TIMESTAMP_ASC" -> "l.timestamp asc, l.id";
            case "TIMESTAMP_DESC" -> "l.timestamp desc, l.id";
            default -> throw InvalidInput.field("sort", "Input should be 'TIMESTAMP_ASC' or 'TIMESTAMP_DESC'");
        };
        TypedQuery<LogEntry> q = where.bind(em.createQuery("select l from LogEntry l" + where.clause() + " order by " + order,
                LogEntry.class));
        JsonArrayBuilder out = Json.createArrayBuilder();
        q.setFirstResult(body.integer("offset", 0, 0, Integer.MAX_VALUE)).setMaxResults(Paging.limit(body)).getResultList()
                .forEach(l -> out.add(LogDocument.write(l)));
        return out.build();
    }
}
