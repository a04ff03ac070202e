package dev.steward.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** The master key settings: what start-up refuses, and that no message repeats a key. */
class MasterKeysTest {

    @Test
    void aMissingKeyIsRefusedNamingTheSetting() {
        for (String missing : new String[] {null, "", "   "}) {
            MasterKeys.InvalidSetting e = assertThrows(MasterKeys.InvalidSetting.class,
                    () -> MasterKeys.parse(missing, null));
            assertTrue(e.getMessage().startsWith("steward.secrets.key (STEWARD_SECRETS_KEY) is not set"),
                    e.getMessage());
        }
    }

    @Test
    void malformedKeysAreRefusedWithoutRepeatingThem() {
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        String long48 = Base64.getEncoder().encodeToString("k".repeat(48).getBytes());
        String notBase64 = "this is my secret passphrase!";
        for (String bad : List.of(short16, long48, notBase64)) {
            MasterKeys.InvalidSetting e = assertThrows(MasterKeys.InvalidSetting.class,
                    () -> MasterKeys.parse(bad, null));
            assertTrue(e.getMessage().startsWith("steward.secrets.key (STEWARD_SECRETS_KEY) "), e.getMessage());
            assertFalse(e.getMessage().contains(bad), "the message repeats the value: " + e.getMessage());
            assertFalse(e.getMessage().contains("secret passphrase"), e.getMessage());
        }
        String good = SecretTestData.masterKey();
        MasterKeys.InvalidSetting e = assertThrows(MasterKeys.InvalidSetting.class,
                () -> MasterKeys.parse(SecretTestData.masterKey(), good + "," + notBase64));
        assertTrue(e.getMessage().startsWith(
                "steward.secrets.previous-keys (STEWARD_SECRETS_PREVIOUS_KEYS), entry 2 of 2 is not base64"),
                e.getMessage());
        assertFalse(e.getMessage().contains(good));
        assertFalse(e.getMessage().contains(notBase64));
    }

    @Test
    void aKeyIsNamedByItsSha256() throws Exception {
        byte[] raw = new byte[32];
        raw[0] = 7;
        String text = Base64.getEncoder().encodeToString(raw);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);
        MasterKeys keys = MasterKeys.parse(" " + text + "\n", null);
        assertEquals(expected, keys.currentId());
        assertEquals(16, keys.currentId().length());
        // URL-safe base64 is taken too; blank entries and the current key among the previous ones are ignored
        String previous = SecretTestData.masterKey();
        MasterKeys withPrevious = MasterKeys.parse(Base64.getUrlEncoder().encodeToString(raw),
                previous + ", ," + text);
        assertEquals(expected, withPrevious.currentId());
        assertEquals(List.of(MasterKeys.parse(previous, null).currentId()), withPrevious.previousIds());
    }
}
