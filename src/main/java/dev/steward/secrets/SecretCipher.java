package dev.steward.secrets;

import dev.steward.platform.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Seals a workspace's secret values at rest: AES-256-GCM under the workspace's data key ({@link DataKeys}), with the
 * workspace and a caller-chosen {@code context} (e.g. {@code block-document:<id>:<field path>}) bound as associated
 * data, so a token opens only for the workspace, object and field it was sealed for.
 *
 * <p>A token is {@code steward:v1:} followed by base64url (no padding) of {@code generation | nonce | ciphertext |
 * tag}: one byte naming the data key's generation (1; a later generation would mean data keys that are themselves
 * replaced), the 12-byte random nonce, the UTF-8 plaintext's ciphertext and the 128-bit tag. Printable, opaque, and
 * never the same twice for one plaintext.
 *
 * <p>A workspace's data key is made in a transaction of its own on its first seal, so the workspace row must be
 * committed by then. Start-up fails while {@code steward.secrets.key} is missing or malformed ({@link MasterKeys}).
 */
@ApplicationScoped
public class SecretCipher {
    private static final Logger LOG = Logger.getLogger(SecretCipher.class.getName());
    static final String PREFIX = "steward:v1:";
    static final byte GENERATION = 1;
    private static final int MIN_PAYLOAD = 1 + Gcm.OVERHEAD;

    @Inject
    Transactions tx;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    private DataKeys dataKeys;

    /** For CDI: the keys come from configuration at start-up. */
    protected SecretCipher() {
    }

    /** For tests: these keys, and plain JDBC transactions on {@code ds}. */
    SecretCipher(MasterKeys masters, DataSource ds) {
        this.dataKeys = new DataKeys(masters, Db.local(ds));
    }

    @PostConstruct
    void configure() {
        if (dataKeys == null) {
            dataKeys = new DataKeys(MasterKeys.fromConfig(ConfigProvider.getConfig()), Db.jta(tx, em));
        }
    }

    // early, right after the production guard: a server without its master key must not start at all. Static, so
    // that the check is not the bean's construction (whose failure Weld would wrap and log without this message)
    static void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) @Initialized(ApplicationScoped.class)
                 Object ignored) {
        try {
            MasterKeys keys = MasterKeys.fromConfig(ConfigProvider.getConfig());
            LOG.info("Secrets at rest: master key " + keys.currentId()
                    + (keys.previousIds().isEmpty() ? "" : ", previous keys " + keys.previousIds()));
        } catch (MasterKeys.InvalidSetting e) {
            LOG.severe(e.getMessage());
            throw e;
        }
    }

    /**
     * Seals {@code plaintext} for {@code context} in the workspace.
     *
     * @return a printable token ({@link #isSealed} is true of it) that only {@link #open} with the same workspace and
     *     context turns back into {@code plaintext}
     */
    public String seal(UUID workspaceId, String plaintext, String context) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(context, "context");
        byte[] clear = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] sealed = Gcm.seal(dataKeys.of(workspaceId), aad(workspaceId, context), clear);
            byte[] payload = new byte[1 + sealed.length];
            payload[0] = GENERATION;
            System.arraycopy(sealed, 0, payload, 1, sealed.length);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
        } finally {
            Gcm.wipe(clear);
        }
    }

    /**
     * The plaintext {@code token} was sealed from.
     *
     * @throws SealedValueException when it is not a token, or was sealed for another workspace or context, or was
     *     changed
     */
    public String open(UUID workspaceId, String token, String context) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(context, "context");
        byte[] payload = payload(token);
        if (payload == null) {
            throw new SealedValueException("Not a sealed value (expected " + PREFIX + "…) in workspace " + workspaceId
                    + ", context " + context);
        }
        if (payload[0] != GENERATION) {
            throw new SealedValueException("Sealed value of an unknown data key generation " + payload[0]
                    + " in workspace " + workspaceId + ", context " + context);
        }
        SecretKey key = dataKeys.existing(workspaceId);
        if (key == null) {
            throw new SealedValueException("Sealed value does not open in workspace " + workspaceId + ", context "
                    + context + ": the workspace has no data key (the value was sealed for another workspace)");
        }
        byte[] clear = null;
        try {
            clear = Gcm.open(key, aad(workspaceId, context), payload, 1);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(clear)).toString();
        } catch (GeneralSecurityException | CharacterCodingException e) {
            // the cause says no more than this (a bad tag); it is kept out so that no provider detail leaks
            throw new SealedValueException("Sealed value does not open in workspace " + workspaceId + ", context "
                    + context + ": it was sealed for another workspace or context, or changed");
        } finally {
            Gcm.wipe(clear);
        }
    }

    /** Whether {@code value} has the shape of a token {@link #seal} makes (whether it opens is {@link #open}'s). */
    public static boolean isSealed(String value) {
        return payload(value) != null;
    }

    /** The decoded bytes after the prefix, or null when {@code value} is no token. */
    private static byte[] payload(String value) {
        if (value == null || !value.startsWith(PREFIX)) return null;
        try {
            byte[] payload = Base64.getUrlDecoder().decode(value.substring(PREFIX.length()));
            return payload.length >= MIN_PAYLOAD ? payload : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The prefix, the workspace and the context, unambiguous: a UUID has a fixed length and no newline. */
    private static byte[] aad(UUID workspaceId, String context) {
        return (PREFIX + workspaceId + "\n" + context).getBytes(StandardCharsets.UTF_8);
    }

    /** For tests: the workspace's data key, as this cipher uses it. */
    DataKeys dataKeys() {
        return dataKeys;
    }
}
