package dev.steward.secrets;

import dev.steward.testing.RealPostgres;
import java.util.Base64;
import java.util.UUID;

/** Workspaces and master keys for this package's tests. */
final class SecretTestData {
    private SecretTestData() {
    }

    /** A committed workspace row (data keys reference it). */
    static UUID workspace() {
        UUID id = UUID.randomUUID();
        RealPostgres.execute("insert into workspace (id, slug, name, created) values ('" + id + "', 'secrets-"
                + id.toString().substring(0, 18) + "', 'secrets test', now())");
        return id;
    }

    /** A fresh master key in its configured form: base64 of 32 random bytes. */
    static String masterKey() {
        return Base64.getEncoder().encodeToString(Gcm.random(MasterKeys.KEY_BYTES));
    }

    static MasterKeys keys(String current) {
        return MasterKeys.parse(current, null);
    }
}
