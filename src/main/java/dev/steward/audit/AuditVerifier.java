package dev.steward.audit;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks an exported audit trail (JSON Lines, in chain order): every record's hash must match its content and the
 * hash of the record before it. Needs nothing but the export, so a compliance team can run it offline.
 */
public final class AuditVerifier {
    private AuditVerifier() {}

    /** A broken link: the sequence number where the chain stops holding, and why. */
    public record Break(long seq, String reason) {}

    public static Optional<Break> verify(List<JsonObject> lines) {
        String expectedPrev = null;
        long expectedSeq = -1;
        for (JsonObject line : lines) {
            long seq = line.getJsonNumber("seq").longValue();
            String prev = line.getString("prev_hash");
            if (expectedPrev == null) {
                if (seq == 1 && !prev.equals(AuditEntry.GENESIS)) return Optional.of(new Break(seq, "first record must follow the genesis hash"));
            } else {
                if (seq != expectedSeq) return Optional.of(new Break(seq, "expected seq " + expectedSeq));
                if (!prev.equals(expectedPrev)) return Optional.of(new Break(seq, "prev_hash does not match the record before"));
            }
            AuditEntry entry = new AuditEntry(UUID.fromString(line.getString("workspace_id")),
                    Instant.parse(line.getString("occurred")), line.getString("actor_kind"), line.getString("actor"),
                    text(line, "origin_ip"), text(line, "user_agent"), line.getString("action"),
                    text(line, "resource_id"), text(line, "before"), text(line, "after"), line.getString("outcome"));
            String hash = entry.hash(seq, prev);
            if (!hash.equals(line.getString("hash"))) return Optional.of(new Break(seq, "content does not match its hash"));
            expectedPrev = hash;
            expectedSeq = seq + 1;
        }
        return Optional.empty();
    }

    private static String text(JsonObject line, String key) {
        JsonValue v = line.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }
}
