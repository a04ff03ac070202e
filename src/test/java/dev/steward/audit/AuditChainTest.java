package dev.steward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.access.TenantScope;
import dev.steward.platform.Json;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

/** The per-workspace hash chain on real PostgreSQL: appended in order, verifiable from an export, tamper-evident. */
class AuditChainTest {
    private static AuditEntry entry(UUID ws, String action, String after) {
        return new AuditEntry(ws, Instant.now(), "user", "user:alice", "127.0.0.1", "test", action,
                "prefect.variable.x", null, after, "success");
    }

    @Test
    void chainVerifiesAndDetectsTampering() {
        SessionFactory sf = RealPostgres.sessionFactory();
        UUID ws = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        AuditTrail trail = new AuditTrail();
        for (int i = 0; i < 3; i++) {
            String after = "{\"value\":" + i + "}";
            TenantScope.system(ws).run(() -> sf.inTransaction(s -> {
                trail.em = s;
                trail.append(entry(ws, "prefect.variable.updated", after));
            }));
        }
        // another workspace's chain is separate and starts at 1
        TenantScope.system(other).run(() -> sf.inTransaction(s -> {
            trail.em = s;
            trail.append(entry(other, "prefect.variable.created", "{}"));
        }));
        List<JsonObject> lines = TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            trail.em = s;
            return trail.read(1, 100).stream().map(AuditResource::line).toList();
        }));
        assertEquals(3, lines.size());
        assertEquals(List.of(1L, 2L, 3L), lines.stream().map(l -> l.getJsonNumber("seq").longValue()).toList());
        assertTrue(AuditVerifier.verify(lines).isEmpty(), () -> "an untouched export verifies: " + AuditVerifier.verify(lines));

        List<JsonObject> tampered = new ArrayList<>(lines);
        tampered.set(1, jakarta.json.Json.createObjectBuilder(lines.get(1)).add("after", "{\"value\":99}").build());
        assertEquals(2, AuditVerifier.verify(tampered).orElseThrow().seq());

        List<JsonObject> dropped = new ArrayList<>(lines);
        dropped.remove(1);
        assertEquals(3, AuditVerifier.verify(dropped).orElseThrow().seq());
        assertEquals("{\"value\":1}", Json.parseObject(lines.get(1).getString("after")).toString());
    }
}
