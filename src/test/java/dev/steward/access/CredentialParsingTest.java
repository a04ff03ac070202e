package dev.steward.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The Basic forms a Prefect client or a user may send a key in. */
class CredentialParsingTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keyFromBasic() {
        String key = "stw_abc123def456_SECRET";
        assertEquals(key, StewardAuthMechanism.keyFromBasic(b64(key)), "PREFECT_API_AUTH_STRING=<key>");
        assertEquals(key, StewardAuthMechanism.keyFromBasic(b64(key + ":")));
        assertEquals(key, StewardAuthMechanism.keyFromBasic(b64("prefect:" + key)));
        assertNull(StewardAuthMechanism.keyFromBasic("%%%not base64"));
    }
}
