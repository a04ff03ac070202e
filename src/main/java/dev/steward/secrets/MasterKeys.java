package dev.steward.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.Config;

/**
 * The master keys from configuration: {@code steward.secrets.key} ({@code STEWARD_SECRETS_KEY}), the current one, which
 * wraps every new data key, and {@code steward.secrets.previous-keys} ({@code STEWARD_SECRETS_PREVIOUS_KEYS}), older
 * ones that still unwrap keys not yet rotated. Each is the base64 of 32 random bytes ({@code openssl rand -base64 32});
 * its id is the first 8 bytes of its SHA-256 in hex, stored beside each wrapped key. Messages name settings, never a
 * key.
 */
final class MasterKeys {
    static final String KEY = "steward.secrets.key";
    static final String PREVIOUS = "steward.secrets.previous-keys";
    static final int KEY_BYTES = 32;

    private final String currentId;
    // current first, then the previous keys in their configured order
    private final Map<String, SecretKey> byId;

    private MasterKeys(String currentId, Map<String, SecretKey> byId) {
        this.currentId = currentId;
        this.byId = byId;
    }

    /** Start-up's keys; fails with {@link InvalidSetting} (naming the setting) on a missing or malformed one. */
    static MasterKeys fromConfig(Config config) {
        return parse(config.getOptionalValue(KEY, String.class).orElse(null),
                config.getOptionalValue(PREVIOUS, String.class).orElse(null));
    }

    /**
     * @param current  base64 of 32 bytes; null or blank is refused
     * @param previous comma-separated base64 keys, or null
     */
    static MasterKeys parse(String current, String previous) {
        if (current == null || current.isBlank()) {
            throw new InvalidSetting(KEY + " (" + env(KEY) + ") is not set. Steward seals secrets at rest with this"
                    + " master key and starts without it in no profile: generate one with `openssl rand -base64 32`,"
                    + " keep it as safe as the database backups (they are unreadable without it). bin/steward dev and"
                    + " the test stack set their own.");
        }
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        SecretKey key = decode(current, KEY + " (" + env(KEY) + ")");
        String currentId = id(key);
        byId.put(currentId, key);
        if (previous != null && !previous.isBlank()) {
            String[] entries = previous.split(",");
            for (int i = 0; i < entries.length; i++) {
                if (entries[i].isBlank()) continue;
                SecretKey old = decode(entries[i], PREVIOUS + " (" + env(PREVIOUS) + "), entry " + (i + 1) + " of "
                        + entries.length);
                byId.putIfAbsent(id(old), old);
            }
        }
        return new MasterKeys(currentId, byId);
    }

    String currentId() {
        return currentId;
    }

    /** The ids of the previous keys (not the current one). */
    List<String> previousIds() {
        List<String> ids = new ArrayList<>(byId.keySet());
        ids.remove(currentId);
        return ids;
    }

    boolean knows(String masterKeyId) {
        return byId.containsKey(masterKeyId);
    }

    /** A data key wrapped by the current master key, bound to its workspace. */
    byte[] wrap(UUID workspaceId, byte[] dataKey) {
        return Gcm.seal(byId.get(currentId), aad(workspaceId), dataKey);
    }

    /**
     * The data key wrapped by the master key {@code masterKeyId}.
     *
     * @throws UnknownMasterKey when that key is neither the current nor a previous one
     * @throws GeneralSecurityException when it does not open (another workspace's row, a changed byte)
     */
    byte[] unwrap(UUID workspaceId, String masterKeyId, byte[] wrapped) throws GeneralSecurityException {
        SecretKey key = Optional.ofNullable(byId.get(masterKeyId)).orElseThrow(() -> new UnknownMasterKey(masterKeyId));
        return Gcm.open(key, aad(workspaceId), wrapped, 0);
    }

    private static byte[] aad(UUID workspaceId) {
        return workspaceId.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static SecretKey decode(String text, String setting) {
        byte[] raw;
        String trimmed = text.strip();
        try {
            raw = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException notStandard) {
            try {
                raw = Base64.getUrlDecoder().decode(trimmed);
            } catch (IllegalArgumentException notUrlSafe) {
                // the decoder's message quotes the offending character: not repeated here
                throw new InvalidSetting(setting + " is not base64 (expected 32 random bytes in base64, e.g. from"
                        + " `openssl rand -base64 32`)");
            }
        }
        try {
            if (raw.length != KEY_BYTES) {
                throw new InvalidSetting(setting + " decodes to " + raw.length + " bytes, not " + KEY_BYTES
                        + " (expected 32 random bytes in base64, e.g. from `openssl rand -base64 32`)");
            }
            return new SecretKeySpec(raw, "AES");
        } finally {
            Gcm.wipe(raw);
        }
    }

    /** The first 8 bytes of the key's SHA-256, in hex: names the key, reveals nothing of it. */
    static String id(SecretKey key) {
        byte[] raw = key.getEncoded();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Gcm.wipe(raw);
        }
    }

    /** MicroProfile Config's environment variable for a property. */
    static String env(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** A master key setting that is missing or malformed; the message names the setting, never its value. */
    static final class InvalidSetting extends IllegalStateException {
        InvalidSetting(String message) {
            super(message);
        }
    }

    /** A data key wrapped by a master key that is not configured (neither current nor previous). */
    static final class UnknownMasterKey extends IllegalStateException {
        final String masterKeyId;

        UnknownMasterKey(String masterKeyId) {
            super("wrapped by master key " + masterKeyId + ", which is neither " + KEY + " nor in " + PREVIOUS);
            this.masterKeyId = masterKeyId;
        }
    }
}
