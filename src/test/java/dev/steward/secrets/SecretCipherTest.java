package dev.steward.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.testing.Bytes;
import dev.steward.testing.RealPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Sealing and opening against real PostgreSQL: round trip, what a token is bound to, and the data keys. */
class SecretCipherTest {
    private static final DataSource DB = RealPostgres.dataSource();
    private final MasterKeys keys = SecretTestData.keys(SecretTestData.masterKey());
    private final SecretCipher cipher = new SecretCipher(keys, DB);

    @Test
    void sealsToAnOpaqueTokenThatOpensToThePlaintext() {
        UUID ws = SecretTestData.workspace();
        String plaintext = "hunter2 – pässwörd ☃ " + "x".repeat(5000);
        String context = "block-document:" + UUID.randomUUID() + ":credentials.password";
        String token = cipher.seal(ws, plaintext, context);

        assertTrue(token.startsWith("steward:v1:"), token);
        assertTrue(token.chars().allMatch(ch -> ch > 32 && ch < 127), "printable ASCII");
        assertFalse(token.contains("hunter2"));
        assertTrue(SecretCipher.isSealed(token));
        assertEquals(plaintext, cipher.open(ws, token, context));
        assertEquals("", cipher.open(ws, cipher.seal(ws, "", context), context));
        // a fresh nonce each time: one plaintext never gives the same token
        assertNotEquals(token, cipher.seal(ws, plaintext, context));
        // another instance (its own cache) reads the stored data key
        assertEquals(plaintext, new SecretCipher(keys, DB).open(ws, token, context));
    }

    @Test
    void isSealedKnowsTokensOnly() {
        assertFalse(SecretCipher.isSealed(null));
        assertFalse(SecretCipher.isSealed(""));
        assertFalse(SecretCipher.isSealed("hunter2"));
        assertFalse(SecretCipher.isSealed("steward:v1:"));
        assertFalse(SecretCipher.isSealed("steward:v1:not base64!"));
        assertFalse(SecretCipher.isSealed("steward:v1:AAAA")); // too short to be nonce and tag
    }

    @Test
    void aTokenOpensOnlyForItsWorkspaceAndContext() {
        UUID ws = SecretTestData.workspace();
        UUID other = SecretTestData.workspace();
        String token = cipher.seal(ws, "s3cret", "block-document:1:password");

        SealedValueException wrongField = assertThrows(SealedValueException.class,
                () -> cipher.open(ws, token, "block-document:1:token"));
        assertThrows(SealedValueException.class, () -> cipher.open(ws, token, "block-document:2:password"));
        assertThrows(SealedValueException.class, () -> cipher.open(other, token, "block-document:1:password"));
        assertFalse(wrongField.getMessage().contains("s3cret"));
        assertTrue(wrongField.getMessage().contains("block-document:1:token"), wrongField.getMessage());
    }

    @Test
    void openingInAWorkspaceWithoutADataKeyFailsAndMakesNone() throws Exception {
        UUID ws = SecretTestData.workspace();
        UUID fresh = SecretTestData.workspace();
        String token = cipher.seal(ws, "s3cret", "c");
        assertThrows(SealedValueException.class, () -> cipher.open(fresh, token, "c"));
        try (Connection c = DB.getConnection()) {
            assertEquals(null, DataKeys.read(c, fresh));
        }
    }

    @Test
    void aChangedTokenDoesNotOpen() {
        UUID ws = SecretTestData.workspace();
        String context = "block-document:1:password";
        String token = cipher.seal(ws, "s3cret", context);
        byte[] payload = Base64.getUrlDecoder().decode(token.substring("steward:v1:".length()));
        // every byte: the generation, the nonce, the ciphertext, the tag
        for (int i = 0; i < payload.length; i++) {
            byte[] changed = payload.clone();
            changed[i] ^= 0x01;
            String bad = "steward:v1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(changed);
            assertThrows(SealedValueException.class, () -> cipher.open(ws, bad, context), "byte " + i);
        }
        assertThrows(SealedValueException.class, () -> cipher.open(ws, token.substring(0, token.length() - 2), context));
        assertThrows(SealedValueException.class, () -> cipher.open(ws, "s3cret", context));
        assertThrows(SealedValueException.class, () -> cipher.open(ws, null, context));
    }

    @Test
    void aTokenDoesNotOpenUnderAnotherMasterKey() {
        UUID ws = SecretTestData.workspace();
        String token = cipher.seal(ws, "s3cret", "c");
        SecretCipher otherServer = new SecretCipher(SecretTestData.keys(SecretTestData.masterKey()), DB);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> otherServer.open(ws, token, "c"));
        assertTrue(e.getMessage().contains(keys.currentId()), "names the master key it needs: " + e.getMessage());
    }

    @Test
    void eachWorkspaceHasItsOwnDataKeyStoredOnlyWrapped() throws Exception {
        UUID a = SecretTestData.workspace();
        UUID b = SecretTestData.workspace();
        cipher.seal(a, "x", "c");
        cipher.seal(b, "x", "c");
        byte[] keyA = cipher.dataKeys().of(a).getEncoded();
        byte[] keyB = cipher.dataKeys().of(b).getEncoded();
        assertEquals(32, keyA.length);
        assertFalse(java.util.Arrays.equals(keyA, keyB));

        try (Connection c = DB.getConnection()) {
            DataKeys.Wrapped row = DataKeys.read(c, a);
            assertEquals(keys.currentId(), row.masterKeyId());
            assertEquals(60, row.bytes().length, "nonce, wrapped key, tag");
            assertFalse(Bytes.contains(row.bytes(), keyA), "the stored bytes are not the key");
            assertArrayEquals(keyA, keys.unwrap(a, row.masterKeyId(), row.bytes()));
            // bound to its workspace: a row copied to another workspace does not unwrap
            assertThrows(java.security.GeneralSecurityException.class,
                    () -> keys.unwrap(b, row.masterKeyId(), row.bytes()));
        }
    }

    @Test
    void concurrentFirstUseOnTwoInstancesMakesOneKey() throws Exception {
        UUID ws = SecretTestData.workspace();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<SecretCipher> instances = List.of(new SecretCipher(keys, DB), new SecretCipher(keys, DB));
        List<Future<String>> tokens = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                SecretCipher instance = instances.get(i % 2);
                String plaintext = "value " + i;
                tokens.add(pool.submit(() -> {
                    start.await();
                    return instance.seal(ws, plaintext, "c");
                }));
            }
            start.countDown();
            Set<String> opened = new HashSet<>();
            for (Future<String> token : tokens) {
                // whichever instance sealed it, each opens it: they use the same key
                opened.add(instances.get(0).open(ws, token.get(), "c"));
                instances.get(1).open(ws, token.get(), "c");
            }
            assertEquals(threads, opened.size());
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = DB.getConnection();
             PreparedStatement s = c.prepareStatement("select count(*) from workspace_data_key where workspace_id = ?")) {
            s.setObject(1, ws);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void aDeletedWorkspaceTakesItsKeyAlong() throws Exception {
        UUID ws = SecretTestData.workspace();
        cipher.seal(ws, "x", "c");
        RealPostgres.execute("delete from workspace where id = '" + ws + "'");
        try (Connection c = DB.getConnection()) {
            assertEquals(null, DataKeys.read(c, ws));
        }
    }
}
