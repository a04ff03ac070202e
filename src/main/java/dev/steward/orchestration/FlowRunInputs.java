package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Prefect's flow-run input API ({@code /flow_runs/{id}/input}): key/value texts of a run. A pause that waits for
 * input keeps its schema here, and the answer that resumed it; flows send each other inputs (send_input,
 * receive_input) through it. Keys are unique per run; values are texts (the client sends JSON it wrote itself).
 */
@ApplicationScoped
public class FlowRunInputs {
    /** Prefect's raise_on_name_alphanumeric_dashes_only. */
    private static final Pattern KEY = Pattern.compile("[a-z0-9-]*");
    private static final int MAX_KEY = 255;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    FlowRunStore flowRuns;

    /** One stored input. */
    public record Input(UUID id, String key, String value, String sender, Instant created) {}

    /** {@code POST /flow_runs/{id}/input}: 404 for an unknown run, 409 for a key the run has. */
    @Transactional
    public void create(UUID flowRunId, Body body) {
        body.rejectUnknown(List.of("key", "value", "sender"));
        String key = checkedKey(body.requiredString("key"), "key");
        String value = body.requiredString("value");
        String sender = body.optionalString("sender").orElse(null);
        if (sender != null && sender.length() > MAX_KEY) {
            throw InvalidInput.field("sender", "String should have at most " + MAX_KEY + " characters");
        }
        UUID ws = TenantScope.workspaceId();
        if (!flowRuns.exists(ws, flowRunId)) throw FlowRunService.notFound();
        store(ws, flowRunId, key, value, sender);
    }

    /** Stores an input in the caller's transaction; a 409 when the run already has the key. */
    public void store(UUID workspaceId, UUID flowRunId, String key, String value, String sender) {
        RunTable.jdbc(em, c -> insert(c, workspaceId, flowRunId, key, value, sender));
    }

    private static boolean insert(Connection c, UUID workspaceId, UUID flowRunId, String key, String value,
                                  String sender) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                insert into flow_run_input (id, workspace_id, flow_run_id, key, value, sender, created, updated)
                values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (flow_run_id, key) do nothing""")) {
            Timestamp now = Timestamp.from(Instant.now());
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, workspaceId);
            insert.setObject(3, flowRunId);
            insert.setString(4, key);
            insert.setString(5, value);
            insert.setString(6, sender);
            insert.setTimestamp(7, now);
            insert.setTimestamp(8, now);
            if (insert.executeUpdate() == 0) {
                throw new Conflict("A flow run input with this key already exists.");
            }
            return true;
        }
    }

    /** {@code POST /flow_runs/{id}/input/filter}: the oldest inputs whose key starts with the prefix. */
    @Transactional
    public JsonArray filter(UUID flowRunId, Body body) {
        body.rejectUnknown(List.of("prefix", "limit", "exclude_keys"));
        String prefix = body.requiredString("prefix");
        int limit = body.integer("limit", 1, 0, 10_000);
        List<String> excluded = body.optionalStrings("exclude_keys").orElse(List.of());
        UUID ws = TenantScope.workspaceId();
        return RunTable.jdbc(em, c -> {
            try (PreparedStatement select = c.prepareStatement("""
                    select id, key, value, sender, created from flow_run_input
                    where workspace_id = ? and flow_run_id = ? and starts_with(key, ?) and key <> all (?)
                    order by created, id limit ?""")) {
                select.setObject(1, ws);
                select.setObject(2, flowRunId);
                select.setString(3, prefix);
                select.setArray(4, c.createArrayOf("varchar", excluded.toArray()));
                select.setInt(5, limit);
                JsonArrayBuilder out = Json.createArrayBuilder();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) out.add(json(flowRunId, read(rs)));
                }
                return out.build();
            }
        });
    }

    /** The value of one input, if the run has it. */
    @Transactional
    public Optional<String> value(UUID flowRunId, String key) {
        return find(TenantScope.workspaceId(), flowRunId, key).map(Input::value);
    }

    /** Reads one input in the caller's transaction. */
    public Optional<Input> find(UUID workspaceId, UUID flowRunId, String key) {
        return RunTable.jdbc(em, c -> read(c, workspaceId, flowRunId, key));
    }

    private static Optional<Input> read(Connection c, UUID workspaceId, UUID flowRunId, String key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("""
                select id, key, value, sender, created from flow_run_input
                where workspace_id = ? and flow_run_id = ? and key = ?""")) {
            select.setObject(1, workspaceId);
            select.setObject(2, flowRunId);
            select.setString(3, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** {@code DELETE /flow_runs/{id}/input/{key}}: false when there was none. */
    @Transactional
    public boolean delete(UUID flowRunId, String key) {
        UUID ws = TenantScope.workspaceId();
        return RunTable.jdbc(em, c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "delete from flow_run_input where workspace_id = ? and flow_run_id = ? and key = ?")) {
                delete.setObject(1, ws);
                delete.setObject(2, flowRunId);
                delete.setString(3, key);
                return delete.executeUpdate() > 0;
            }
        });
    }

    private static String checkedKey(String key, String at) {
        if (key.length() > MAX_KEY) throw InvalidInput.field(at, "String should have at most " + MAX_KEY + " characters");
        if (!KEY.matcher(key).matches()) {
            throw InvalidInput.field(at, "Value error, key must only contain lowercase letters, numbers, and dashes.");
        }
        return key;
    }

    private static Input read(ResultSet rs) throws SQLException {
        return new Input(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant());
    }

    /** Prefect's FlowRunInput; it is never updated, so updated is created. */
    private static JsonValue json(UUID flowRunId, Input input) {
        return Json.createObjectBuilder()
                .add("id", input.id().toString())
                .add("created", input.created().toString())
                .add("updated", input.created().toString())
                .add("flow_run_id", flowRunId.toString())
                .add("key", input.key())
                .add("value", input.value())
                .add("sender", Json.orNull(input.sender()))
                .build();
    }
}
