package dev.steward.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.LifecycleChange;
import dev.steward.testing.RealPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rotating the master key against real PostgreSQL: data keys re-wrapped, sealed values untouched. */
class KeyRotationTest {
    private static final DataSource DB = RealPostgres.dataSource();
    private final String a = SecretTestData.masterKey();
    private final String b = SecretTestData.masterKey();
    private final List<LifecycleChange> fired = new ArrayList<>();

    @BeforeEach
    void onlyThisTestsKeys() {
        // rotation counts every row of the table: start from none (the test classes of a JVM run one after another)
        RealPostgres.execute("delete from workspace_data_key");
    }

    @Test
    void rotatesToANewMasterKeyWithoutTouchingSealedValues() throws Exception {
        MasterKeys onlyA = MasterKeys.parse(a, null);
        UUID ws = SecretTestData.workspace();
        String token = new SecretCipher(onlyA, DB).seal(ws, "s3cret", "block-document:1:password");
        String tokenBefore = new String(token); // the sealed value as the blocks table would keep it
        byte[] dataKey = new SecretCipher(onlyA, DB).dataKeys().of(ws).getEncoded();
        assertNull(row(ws).rotated());

        // B becomes current, A stays readable; rotate
        MasterKeys bThenA = MasterKeys.parse(b, a);
        KeyRotation.Report report = new KeyRotation(bThenA, DB, fired::add).rotate();
        assertEquals(1, report.rewrapped());
        assertEquals(0, report.alreadyCurrent());
        assertEquals(List.of(), report.notRewrapped());
        assertEquals(bThenA.currentId(), report.masterKeyId());

        Row after = row(ws);
        assertEquals(bThenA.currentId(), after.masterKeyId());
        assertNotNull(after.rotated());
        assertEquals(tokenBefore, token);

        // only B now: the old token still opens, with the same data key
        MasterKeys onlyB = MasterKeys.parse(b, null);
        SecretCipher afterRotation = new SecretCipher(onlyB, DB);
        assertEquals("s3cret", afterRotation.open(ws, tokenBefore, "block-document:1:password"));
        assertArrayEquals(dataKey, afterRotation.dataKeys().of(ws).getEncoded());

        // the audit trail's lifecycle change names the master keys, nothing more
        assertEquals(1, fired.size());
        LifecycleChange change = fired.get(0);
        assertEquals("steward.secrets-key.updated", change.eventName());
        assertEquals(ws, change.workspaceId());
        assertEquals(onlyA.currentId(), change.before().asJsonObject().getString("master_key_id"));
        assertEquals(onlyB.currentId(), change.after().asJsonObject().getString("master_key_id"));
        String all = change.toString() + change.payload();
        assertFalse(all.contains(a) || all.contains(b));

        // again: nothing left to do
        KeyRotation.Report again = new KeyRotation(bThenA, DB, fired::add).rotate();
        assertEquals(0, again.rewrapped());
        assertEquals(1, again.alreadyCurrent());
        assertEquals(1, fired.size());
    }

    @Test
    void rotatesInBatchesAndReportsKeysOfAnUnknownMasterKey() throws Exception {
        String c = SecretTestData.masterKey();
        MasterKeys onlyA = MasterKeys.parse(a, null);
        MasterKeys onlyC = MasterKeys.parse(c, null);
        int many = KeyRotation.BATCH * 2 + 7;
        List<UUID> workspaces = new ArrayList<>();
        SecretCipher underA = new SecretCipher(onlyA, DB);
        for (int i = 0; i < many; i++) {
            UUID ws = SecretTestData.workspace();
            underA.seal(ws, "v" + i, "c");
            workspaces.add(ws);
        }
        UUID lost = SecretTestData.workspace(); // wrapped by C, which the rotation is not told
        new SecretCipher(onlyC, DB).seal(lost, "v", "c");
        UUID current = SecretTestData.workspace(); // made under B already
        new SecretCipher(MasterKeys.parse(b, null), DB).seal(current, "v", "c");

        KeyRotation.Report report = new KeyRotation(MasterKeys.parse(b, a), DB, fired::add).rotate();
        assertEquals(many, report.rewrapped());
        assertEquals(1, report.alreadyCurrent());
        assertEquals(1, report.notRewrapped().size());
        KeyRotation.NotRewrapped reported = report.notRewrapped().get(0);
        assertEquals(lost, reported.workspaceId());
        assertEquals(onlyC.currentId(), reported.masterKeyId());
        assertTrue(report.toJson().toString().contains("\"not_rewrapped\":[{\"workspace_id\":\"" + lost + "\""),
                report.toJson().toString());
        assertFalse(report.toJson().toString().contains(c));
        assertEquals(onlyC.currentId(), row(lost).masterKeyId(), "left as it was");
        for (UUID ws : workspaces) {
            assertEquals(MasterKeys.parse(b, null).currentId(), row(ws).masterKeyId());
        }
        assertEquals(many, fired.size());
    }

    @Test
    void aKeyThatDoesNotOpenIsReported() throws Exception {
        MasterKeys onlyA = MasterKeys.parse(a, null);
        UUID ws = SecretTestData.workspace();
        UUID other = SecretTestData.workspace();
        new SecretCipher(onlyA, DB).seal(ws, "v", "c");
        new SecretCipher(onlyA, DB).seal(other, "v", "c");
        // ws's row holds other's wrapped key: bound to other, it does not open for ws
        RealPostgres.execute("update workspace_data_key set wrapped_key = (select wrapped_key from workspace_data_key"
                + " where workspace_id = '" + other + "') where workspace_id = '" + ws + "'");

        KeyRotation.Report report = new KeyRotation(MasterKeys.parse(b, a), DB, fired::add).rotate();
        assertEquals(1, report.rewrapped());
        assertEquals(List.of(ws), report.notRewrapped().stream().map(KeyRotation.NotRewrapped::workspaceId).toList());
        assertTrue(report.notRewrapped().get(0).reason().contains("does not open"));
        assertEquals(onlyA.currentId(), row(ws).masterKeyId());
        assertThrows(IllegalStateException.class, () -> new SecretCipher(onlyA, DB).dataKeys().of(ws));
    }

    private record Row(String masterKeyId, Timestamp rotated) {
    }

    private static Row row(UUID ws) throws Exception {
        try (Connection c = DB.getConnection(); PreparedStatement s = c.prepareStatement(
                "select master_key_id, rotated from workspace_data_key where workspace_id = ?")) {
            s.setObject(1, ws);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                return new Row(rs.getString(1), rs.getTimestamp(2));
            }
        }
    }
}
