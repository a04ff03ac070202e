package dev.steward.audit;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The content of an audit record and the chain rule: hash = SHA-256(prev_hash + "\n" + canonical JSON of the record
 * with its seq), in hex. The canonical JSON has a fixed key order and the before/after texts exactly as stored, so
 * anyone holding an export can recompute every hash.
 */
public record AuditEntry(UUID workspaceId, Instant occurred, String actorKind, String actor, String originIp,
                         String userAgent, String action, String resourceId, String before, String after,
                         String outcome) {

    public static final String GENESIS = "0".repeat(64);

    /** PostgreSQL keeps microseconds: hash what will be stored and read back. */
    public AuditEntry {
        occurred = occurred.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    public JsonObject canonical(long seq) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("workspace_id", workspaceId.toString())
                .add("seq", seq)
                .add("occurred", occurred.toString())
                .add("actor_kind", actorKind)
                .add("actor", actor);
        addNullable(b, "origin_ip", originIp);
        addNullable(b, "user_agent", userAgent);
        b.add("action", action);
        addNullable(b, "resource_id", resourceId);
        addNullable(b, "before", before);
        addNullable(b, "after", after);
        b.add("outcome", outcome);
        return b.build();
    }

    public String hash(long seq, String prevHash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(canonical(seq).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void addNullable(JsonObjectBuilder b, String key, String value) {
        if (value == null) b.addNull(key); else b.add(key, value);
    }
}
