package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.Endpoints;
import dev.steward.devstack.TestStack;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/admin/secrets/rotate} on the real WAR: a data key wrapped by the previous master key (written here
 * as the format says: AES-256-GCM, nonce first, the workspace id as associated data) is re-wrapped under the current
 * one, holds the same data key afterwards, and the workspace's audit trail records it without key material.
 */
class MasterKeyRotationIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void rotationRewrapsAKeyOfThePreviousMasterKeyAndAuditsIt() throws Exception {
        TestStack stack = TestStack.get();
        byte[] previous = Base64.getDecoder().decode(stack.previousSecretsKey());
        byte[] current = Base64.getDecoder().decode(stack.secretsKey());
        String slug = Workspaces.create("secrets");
        UUID ws = UUID.fromString(Workspaces.admin().get("/workspaces/" + slug).expect(200).object().getString("id"));

        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("insert into workspace_data_key"
                + " (workspace_id, wrapped_key, master_key_id) values (?, ?, ?)")) {
            s.setObject(1, ws);
            s.setBytes(2, wrap(previous, ws, dataKey));
            s.setString(3, id(previous));
            s.executeUpdate();
        }

        JsonObject report = Workspaces.admin().post("/secrets/rotate", null).expect(200).object();
        assertEquals(id(current), report.getString("master_key_id"));
        assertTrue(report.getInt("rewrapped") >= 1, report.toString());
        assertFalse(report.toString().contains(ws.toString()), "not reported as not re-wrapped: " + report);

        try (Connection c = db(); PreparedStatement s = c.prepareStatement(
                "select wrapped_key, master_key_id, rotated from workspace_data_key where workspace_id = ?")) {
            s.setObject(1, ws);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(id(current), rs.getString(2));
                assertNotNull(rs.getTimestamp(3));
                // the same data key, now under the current master key: every value sealed with it still opens
                assertArrayEquals(dataKey, unwrap(current, ws, rs.getBytes(1)));
            }
        }

        String audit = Workspaces.api(slug, Workspaces.issueKey(slug, "admin")).get("/audit").expect(200).body();
        assertTrue(audit.contains("steward.secrets-key.updated"), audit);
        assertTrue(audit.contains("alice"), "the admin who rotated: " + audit);
        assertTrue(audit.contains(id(previous)) && audit.contains(id(current)), audit);
        for (String material : new String[] {stack.secretsKey(), stack.previousSecretsKey(),
                Base64.getEncoder().encodeToString(dataKey), HexFormat.of().formatHex(dataKey)}) {
            assertFalse(audit.contains(material), "key material in the audit trail");
            assertFalse(report.toString().contains(material), "key material in the answer");
        }

        JsonObject again = Workspaces.admin().post("/secrets/rotate", null).expect(200).object();
        assertEquals(0, again.getInt("rewrapped"), again.toString());
        assertTrue(again.getInt("already_current") >= 1, again.toString());
    }

    private static Connection db() throws Exception {
        Endpoints e = TestStack.get().endpoints();
        return DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
    }

    private static byte[] wrap(byte[] masterKey, UUID ws, byte[] dataKey) throws Exception {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(ws.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] sealed = gcm.doFinal(dataKey);
        byte[] out = Arrays.copyOf(nonce, 12 + sealed.length);
        System.arraycopy(sealed, 0, out, 12, sealed.length);
        return out;
    }

    private static byte[] unwrap(byte[] masterKey, UUID ws, byte[] wrapped) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, wrapped, 0, 12));
        gcm.updateAAD(ws.toString().getBytes(StandardCharsets.US_ASCII));
        return gcm.doFinal(wrapped, 12, wrapped.length - 12);
    }

    /** A master key's id: the first 8 bytes of its SHA-256, hex. */
    private static String id(byte[] masterKey) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(masterKey), 0, 8);
    }
}
