package dev.steward.secrets;

import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The workspaces' data keys (table {@code workspace_data_key}): one random AES-256 key per workspace, made on its
 * first use and stored only wrapped by the current master key.
 *
 * <p>Unwrapped keys are cached in memory, at most {@link #CACHE_SIZE} (least recently used out). That is safe because
 * a workspace's data key never changes once it exists: rotation re-wraps the same key under another master key, and
 * the row goes only with its workspace, whose sealed values go with it. So a cached key is never stale, and no other
 * instance has to tell this one anything. The cache holds nothing the process does not already hold (the master key
 * unwraps every row); the bound keeps a sweep over many workspaces from growing it without end.
 */
final class DataKeys {
    static final int CACHE_SIZE = 10_000;
    private static final int DATA_KEY_BYTES = 32;

    private final MasterKeys masters;
    private final Db db;
    private final Map<UUID, SecretKey> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, SecretKey> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    DataKeys(MasterKeys masters, Db db) {
        this.masters = masters;
        this.db = db;
    }

    /** The workspace's data key, made now if it has none. */
    SecretKey of(UUID workspaceId) {
        return of(workspaceId, true);
    }

    /** The workspace's data key if it has one (opening a value makes no key), else null. */
    SecretKey existing(UUID workspaceId) {
        return of(workspaceId, false);
    }

    private SecretKey of(UUID workspaceId, boolean create) {
        synchronized (cache) {
            SecretKey cached = cache.get(workspaceId);
            if (cached != null) return cached;
        }
        // outside the lock: a slow database must not hold up other workspaces' cached keys
        SecretKey key = db.inNew(c -> readOrCreate(c, workspaceId, create));
        if (key != null) {
            synchronized (cache) {
                cache.put(workspaceId, key);
            }
        }
        return key;
    }

    /**
     * Race-safe across instances: the insert of a fresh key does nothing when another transaction inserted one first
     * (it waits for that one to commit), and what is read afterwards is the one key that won.
     */
    private SecretKey readOrCreate(Connection c, UUID workspaceId, boolean create) throws SQLException {
        Wrapped row = read(c, workspaceId);
        if (row == null && !create) return null;
        if (row == null) {
            byte[] fresh = Gcm.random(DATA_KEY_BYTES);
            try (PreparedStatement insert = c.prepareStatement("insert into workspace_data_key"
                    + " (workspace_id, wrapped_key, master_key_id, created) values (?, ?, ?, now())"
                    + " on conflict (workspace_id) do nothing")) {
                insert.setObject(1, workspaceId);
                insert.setBytes(2, masters.wrap(workspaceId, fresh));
                insert.setString(3, masters.currentId());
                insert.executeUpdate();
            } finally {
                Gcm.wipe(fresh);
            }
            row = read(c, workspaceId);
        }
        byte[] raw = null;
        try {
            raw = masters.unwrap(workspaceId, row.masterKeyId(), row.bytes());
            return new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The data key of workspace " + workspaceId + " does not open with master"
                    + " key " + row.masterKeyId() + ": its row was changed or copied from another workspace");
        } catch (MasterKeys.UnknownMasterKey e) {
            throw new IllegalStateException("The data key of workspace " + workspaceId + " is " + e.getMessage()
                    + ": configure that key as a previous key", e);
        } finally {
            Gcm.wipe(raw);
        }
    }

    static Wrapped read(Connection c, UUID workspaceId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "select wrapped_key, master_key_id from workspace_data_key where workspace_id = ?")) {
            select.setObject(1, workspaceId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Wrapped(rs.getBytes(1), rs.getString(2)) : null;
            }
        }
    }

    record Wrapped(byte[] bytes, String masterKeyId) {
    }
}
