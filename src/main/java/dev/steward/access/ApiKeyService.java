package dev.steward.access;

import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues, checks and revokes tenant API keys. A key reads {@code stw_<12 chars>_<32 chars>}: the first part is the
 * visible prefix (unique, shown in lists and audit records), the rest is secret. A key found valid is remembered for
 * {@link #RECENT_MILLIS} so that a client's stream of requests costs one query a second, not one each: a revocation
 * takes effect at once on the instance that made it and within that second on the others; expiry is checked on every
 * request.
 */
@ApplicationScoped
public class ApiKeyService {
    static final String MARK = "stw_";
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    static final long RECENT_MILLIS = 1_000;

    /** Keys found valid lately, by the SHA-256 of the presented secret. */
    private final Map<String, Recent> recent = new ConcurrentHashMap<>();

    private record Recent(ApiKey key, long at) {}

    /** A new key and its secret, which is returned this once and never stored. */
    public record IssuedKey(ApiKey key, String secret) {}

    public static boolean looksLikeKey(String value) {
        return value != null && value.startsWith(MARK);
    }

    @Transactional
    public IssuedKey issue(UUID workspaceId, String name, Role role, String owner, Instant expiresAt) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw InvalidInput.field("name", "An API key needs a name of 1 to 100 characters");
        }
        Instant now = Instant.now();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw InvalidInput.field("expires_at", "The expiry must be in the future");
        }
        String prefix = MARK + random(ALPHABET, 12);
        String secret = prefix + "_" + random(SECRET_ALPHABET, 32);
        ApiKey key = new ApiKey(workspaceId, name.strip(), prefix, sha256(secret), role, owner, now, expiresAt);
        em.persist(key);
        changes.fire(LifecycleChange.created(workspaceId, "steward", "api-key", key.getId(), key.getPrefix(), describe(key), describe(key)));
        return new IssuedKey(key, secret);
    }

    /** The key a presented secret belongs to, if it is well-formed, known, unexpired and not revoked. */
    public Optional<ApiKey> authenticate(String presented) {
        // a NUL would reach the prefix query, which PostgreSQL refuses as text: no key has one
        if (!looksLikeKey(presented) || presented.length() > 100 || presented.indexOf('\0') >= 0) return Optional.empty();
        int split = presented.indexOf('_', MARK.length());
        if (split < 0) return Optional.empty();
        String hash = sha256(presented);
        long now = System.currentTimeMillis();
        Recent seen = recent.get(hash);
        if (seen != null && now - seen.at() < RECENT_MILLIS) {
            return Optional.of(seen.key()).filter(k -> k.usableAt(Instant.now()));
        }
        String prefix = presented.substring(0, split);
        Optional<ApiKey> key = em.createQuery("select k from ApiKey k where k.prefix = :prefix", ApiKey.class)
                .setParameter("prefix", prefix)
                .getResultStream()
                .findFirst()
                .filter(k -> MessageDigest.isEqual(
                        k.getKeyHash().getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII)))
                .filter(k -> k.usableAt(Instant.now()));
        if (recent.size() > 10_000) recent.clear();
        if (key.isPresent()) recent.put(hash, new Recent(key.get(), now)); else recent.remove(hash);
        return key;
    }

    @Transactional
    public List<ApiKey> list(UUID workspaceId) {
        return em.createQuery("select k from ApiKey k where k.workspaceId = :ws order by k.created desc", ApiKey.class)
                .setParameter("ws", workspaceId)
                .getResultList();
    }

    @Transactional
    public ApiKey revoke(UUID workspaceId, UUID keyId) {
        ApiKey key = em.find(ApiKey.class, keyId);
        if (key == null || !key.getWorkspaceId().equals(workspaceId)) {
            throw new NotFound("API key not found");
        }
        if (key.getRevokedAt() == null) {
            JsonObject before = describe(key);
            key.revoke(Instant.now());
            recent.values().removeIf(r -> r.key().getId().equals(key.getId()));
            changes.fire(LifecycleChange.updated(workspaceId, "steward", "api-key", key.getId(), key.getPrefix(),
                    before, describe(key), describe(key)));
        }
        return key;
    }

    /** What events and audit records say of a key: never its secret or hash. */
    public static JsonObject describe(ApiKey key) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", key.getId().toString())
                .add("name", key.getName())
                .add("prefix", key.getPrefix())
                .add("role", key.getRole().wireName())
                .add("owner", key.getOwner())
                .add("created", key.getCreated().toString());
        if (key.getExpiresAt() == null) b.addNull("expires_at"); else b.add("expires_at", key.getExpiresAt().toString());
        if (key.getRevokedAt() == null) b.addNull("revoked_at"); else b.add("revoked_at", key.getRevokedAt().toString());
        return b.build();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return sb.toString();
    }
}
