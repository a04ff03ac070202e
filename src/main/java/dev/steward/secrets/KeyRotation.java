package dev.steward.secrets;

import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Re-wraps every data key that the current master key does not wrap, under the current one, unwrapping it with the
 * previous key it names. The data keys themselves stay, so no sealed value changes. Keys are found a batch at a time
 * (in workspace id order) and each is re-wrapped in a short transaction of its own, together with its lifecycle change
 * ({@code steward.secrets-key.updated}, master key ids only), from which the audit trail writes the workspace's record.
 * A key that cannot be re-wrapped (its master key is not configured, or it does not open) is reported, never skipped
 * in silence. Safe to run twice, or on two instances at once.
 */
@ApplicationScoped
public class KeyRotation {
    private static final Logger LOG = Logger.getLogger(KeyRotation.class.getName());
    static final int BATCH = 100;
    static final String KIND = "secrets-key";

    @Inject
    Transactions tx;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    private MasterKeys masters;
    private Db db;
    private Consumer<LifecycleChange> fire;

    /** For CDI. */
    protected KeyRotation() {
    }

    /** For tests: these keys, plain JDBC transactions on {@code ds}, lifecycle changes to {@code fire}. */
    KeyRotation(MasterKeys masters, DataSource ds, Consumer<LifecycleChange> fire) {
        this.masters = masters;
        this.db = Db.local(ds);
        this.fire = fire;
    }

    @PostConstruct
    void configure() {
        if (masters == null) {
            masters = MasterKeys.fromConfig(ConfigProvider.getConfig());
            db = Db.jta(tx, em);
            fire = changes::fire;
        }
    }

    /** What a rotation did; {@code masterKeyId} is the current master key's id. */
    public record Report(String masterKeyId, int rewrapped, int alreadyCurrent, List<NotRewrapped> notRewrapped) {
        public JsonObject toJson() {
            JsonArrayBuilder failed = Json.createArrayBuilder();
            notRewrapped.forEach(n -> failed.add(Json.createObjectBuilder().add("workspace_id", n.workspaceId()
                    .toString()).add("master_key_id", n.masterKeyId()).add("reason", n.reason())));
            return Json.createObjectBuilder().add("master_key_id", masterKeyId).add("rewrapped", rewrapped)
                    .add("already_current", alreadyCurrent).add("not_rewrapped", failed).build();
        }
    }

    /** A data key left as it was, and why. */
    public record NotRewrapped(UUID workspaceId, String masterKeyId, String reason) {
    }

    public Report rotate() {
        String current = masters.currentId();
        int alreadyCurrent = db.inNew(c -> count(c, current));
        int rewrapped = 0;
        List<NotRewrapped> failed = new ArrayList<>();
        UUID after = new UUID(0, 0); // PostgreSQL orders uuids by their bytes: the nil uuid comes first
        while (true) {
            UUID from = after;
            List<Candidate> batch = db.inNew(c -> candidates(c, current, from));
            for (Candidate k : batch) {
                if (!masters.knows(k.masterKeyId())) {
                    failed.add(new NotRewrapped(k.workspaceId(), k.masterKeyId(), "its master key is neither the"
                            + " current " + MasterKeys.KEY + " nor one of " + MasterKeys.PREVIOUS));
                    continue;
                }
                try {
                    if (db.inNew(k.workspaceId(), c -> rewrap(c, k.workspaceId(), current), this::audit) != null) {
                        rewrapped++;
                    }
                } catch (RuntimeException e) {
                    // the transaction's interceptors may wrap it
                    if (ErrorMappers.findCause(e, KeyDoesNotOpen.class) == null) throw e;
                    failed.add(new NotRewrapped(k.workspaceId(), k.masterKeyId(), "it does not open with its master"
                            + " key: the row was changed or copied from another workspace"));
                }
            }
            if (batch.size() < BATCH) break;
            after = batch.get(batch.size() - 1).workspaceId();
        }
        LOG.info("Secrets key rotation to master key " + current + ": " + rewrapped + " data keys re-wrapped, "
                + alreadyCurrent + " already current, " + failed.size() + " not re-wrapped");
        for (NotRewrapped n : failed) {
            LOG.warning("Data key of workspace " + n.workspaceId() + " (master key " + n.masterKeyId()
                    + ") not re-wrapped: " + n.reason());
        }
        return new Report(current, rewrapped, alreadyCurrent, List.copyOf(failed));
    }

    private record Candidate(UUID workspaceId, String masterKeyId) {
    }

    /** What a re-wrap changed: the master key ids before and after. */
    private record Rewrapped(UUID workspaceId, String from, String to) {
    }

    private static int count(Connection c, String current) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select count(*) from workspace_data_key where master_key_id = ?")) {
            s.setString(1, current);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<Candidate> candidates(Connection c, String current, UUID after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select workspace_id, master_key_id from workspace_data_key"
                + " where master_key_id <> ? and workspace_id > ? order by workspace_id limit ?")) {
            s.setString(1, current);
            s.setObject(2, after);
            s.setInt(3, BATCH);
            List<Candidate> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) found.add(new Candidate(rs.getObject(1, UUID.class), rs.getString(2)));
            }
            return found;
        }
    }

    /** Re-wraps the workspace's key under the current master key; null if it needs none (any more). */
    private Rewrapped rewrap(Connection c, UUID workspaceId, String current) throws SQLException {
        DataKeys.Wrapped row;
        try (PreparedStatement s = c.prepareStatement("select wrapped_key, master_key_id from workspace_data_key"
                + " where workspace_id = ? for update")) {
            s.setObject(1, workspaceId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) return null; // its workspace was deleted meanwhile
                row = new DataKeys.Wrapped(rs.getBytes(1), rs.getString(2));
            }
        }
        if (row.masterKeyId().equals(current)) return null; // another rotation was first
        byte[] key = null;
        try {
            key = masters.unwrap(workspaceId, row.masterKeyId(), row.bytes());
            try (PreparedStatement s = c.prepareStatement("update workspace_data_key set wrapped_key = ?,"
                    + " master_key_id = ?, rotated = now() where workspace_id = ?")) {
                s.setBytes(1, masters.wrap(workspaceId, key));
                s.setString(2, current);
                s.setObject(3, workspaceId);
                s.executeUpdate();
            }
            return new Rewrapped(workspaceId, row.masterKeyId(), current);
        } catch (GeneralSecurityException e) {
            throw new KeyDoesNotOpen();
        } finally {
            Gcm.wipe(key);
        }
    }

    /** The workspace's lifecycle change for a re-wrap, in its transaction: master key ids, never key material. */
    private void audit(Rewrapped r) {
        if (r == null) return;
        fire.accept(LifecycleChange.updated(r.workspaceId(), "steward", KIND, r.workspaceId(), "data-key",
                Json.createObjectBuilder().add("master_key_id", r.from()).build(),
                Json.createObjectBuilder().add("master_key_id", r.to()).build(), JsonValue.EMPTY_JSON_OBJECT));
    }

    private static final class KeyDoesNotOpen extends RuntimeException {
        KeyDoesNotOpen() {
            super("data key does not open", null, false, false);
        }
    }
}
