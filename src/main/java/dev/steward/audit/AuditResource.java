package dev.steward.audit;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.StringJoiner;

/**
 * Export of the workspace's audit trail for compliance, as JSON Lines (default) or CSV, in chain order. Each line
 * holds the record's canonical fields plus prev_hash and hash, enough to verify the chain offline.
 */
@Path("/workspaces/{workspace}/audit")
@RequestScoped
@MinRole(Role.ADMIN)
public class AuditResource {
    private static final int MAX_LIMIT = 10_000;

    @Inject
    AuditTrail trail;

    @GET
    @Transactional
    public Response export(@QueryParam("format") @DefaultValue("jsonl") String format,
                           @QueryParam("from_seq") @DefaultValue("1") long fromSeq,
                           @QueryParam("limit") @DefaultValue("10000") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInput("limit must be between 1 and " + MAX_LIMIT);
        }
        List<AuditRecord> records = trail.read(fromSeq, limit);
        return switch (format) {
            case "jsonl" -> Response.ok(jsonLines(records), "application/x-ndjson").build();
            case "csv" -> Response.ok(csv(records), "text/csv").build();
            default -> throw new InvalidInput("format must be jsonl or csv");
        };
    }

    public static JsonObject line(AuditRecord r) {
        return dev.steward.platform.Json.createObjectBuilder(r.entry().canonical(r.getSeq()))
                .add("prev_hash", r.getPrevHash())
                .add("hash", r.getHash())
                .build();
    }

    static String jsonLines(List<AuditRecord> records) {
        StringBuilder out = new StringBuilder();
        records.forEach(r -> out.append(line(r)).append('\n'));
        return out.toString();
    }

    static String csv(List<AuditRecord> records) {
        List<String> columns = List.of("workspace_id", "seq", "occurred", "actor_kind", "actor", "origin_ip",
                "user_agent", "action", "resource_id", "before", "after", "outcome", "prev_hash", "hash");
        StringBuilder out = new StringBuilder(String.join(",", columns)).append('\n');
        for (AuditRecord r : records) {
            JsonObject line = line(r);
            StringJoiner row = new StringJoiner(",");
            for (String c : columns) row.add(csvCell(line.get(c)));
            out.append(row).append('\n');
        }
        return out.toString();
    }

    private static String csvCell(JsonValue v) {
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) return "";
        String s = v instanceof jakarta.json.JsonString js ? js.getString() : v.toString();
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

}
