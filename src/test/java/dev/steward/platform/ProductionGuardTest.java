package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.ShippedLogins.Check;
import dev.steward.platform.ShippedLogins.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which starts {@link ProductionGuard} refuses: each shipped default in production, none in dev. */
class ProductionGuardTest {
    private static final String ADMIN = "Keycloak's bootstrap admin 'admin' (realm master)";
    private static final String ALICE = "demo user 'alice' (realm steward)";
    private static final String BOB = "demo user 'bob' (realm steward)";
    private static final Supplier<List<Check>> NONE_WORKS = () -> logins(Outcome.REFUSED, Outcome.REFUSED, Outcome.REFUSED);

    /** A production configuration with nothing shipped in it. */
    private static Map<String, String> prod() {
        Map<String, String> s = new HashMap<>();
        s.put("steward.profile", "prod");
        s.put("steward.db.password", "correct horse battery staple");
        s.put("steward.oidc.client.secret", "8f1c0e6d2b");
        s.put("steward.oidc.provider.uri", "https://sso.example.com/realms/steward");
        return s;
    }

    private static List<Check> logins(Outcome admin, Outcome alice, Outcome bob) {
        return List.of(new Check(ADMIN, admin, ""), new Check(ALICE, alice, ""), new Check(BOB, bob, ""));
    }

    private static String refused(Map<String, String> settings, Supplier<List<Check>> logins) {
        Optional<String> r = ProductionGuard.refusal(settings, logins);
        assertTrue(r.isPresent(), "refused");
        return r.get();
    }

    @Test
    void ownSecretsAndNoShippedLoginStart() {
        assertEquals(Optional.empty(), ProductionGuard.refusal(prod(), NONE_WORKS));
    }

    @Test
    void noProfileIsProduction() {
        // fails closed: a server started without a profile is checked as production
        Map<String, String> shipped = Map.of("steward.db.password", "steward");
        assertTrue(ProductionGuard.refusal(shipped, NONE_WORKS).orElseThrow().contains("steward.db.password"));
    }

    @Test
    void devAndTestProfileIsNotRefused() {
        // bin/steward dev and the test stack run every shipped default, and never ask Keycloak
        Map<String, String> shipped = Map.of("steward.db.password", "steward",
                "steward.oidc.client.secret", "steward-console-secret");
        Supplier<List<Check>> mustNotAsk = () -> {
            throw new AssertionError("Keycloak asked outside production");
        };
        Map<String, String> dev = new HashMap<>(shipped);
        dev.put("steward.profile", "dev");
        assertEquals(Optional.empty(), ProductionGuard.refusal(dev, mustNotAsk));
    }

    @Test
    void shippedDatabasePasswordIsRefused() {
        Map<String, String> s = prod();
        s.put("steward.db.password", "steward");
        String why = refused(s, NONE_WORKS);
        assertTrue(why.contains("steward.db.password (STEWARD_DB_PASSWORD) is a shipped default"), why);
        assertFalse(why.contains("STEWARD_OIDC_CLIENT_SECRET"), why);
    }

    @Test
    void shippedOidcClientSecretIsRefusedWithoutPrintingIt() {
        Map<String, String> s = prod();
        s.put("steward.oidc.client.secret", "steward-console-secret");
        String why = refused(s, NONE_WORKS);
        assertTrue(why.contains("steward.oidc.client.secret (STEWARD_OIDC_CLIENT_SECRET) is a shipped default"), why);
        assertFalse(why.contains("steward-console-secret"), why);
    }

    @Test
    void keycloakAcceptingTheShippedAdminPasswordIsRefused() {
        String why = refused(prod(), () -> logins(Outcome.WORKS, Outcome.REFUSED, Outcome.REFUSED));
        assertTrue(why.contains(ADMIN + " signs in with its published password: change the password"), why);
        assertFalse(why.contains("alice"), why);
    }

    @Test
    void demoUsersAreRefused() {
        String why = refused(prod(), () -> logins(Outcome.REFUSED, Outcome.WORKS, Outcome.WORKS));
        assertTrue(why.contains(ALICE + " signs in with its published password: delete the user"), why);
        assertTrue(why.contains(BOB + " signs in"), why);
        assertTrue(refused(prod(), () -> logins(Outcome.REFUSED, Outcome.REFUSED, Outcome.WORKS)).contains(BOB), why);
    }

    @Test
    void everyOffenderIsNamedAtOnce() {
        Map<String, String> s = prod();
        s.put("steward.db.password", "steward");
        s.put("steward.oidc.client.secret", "steward-console-secret");
        String why = refused(s, () -> logins(Outcome.WORKS, Outcome.WORKS, Outcome.WORKS));
        assertEquals(5, why.lines().filter(l -> l.startsWith("  - ")).count(), why);
    }

    @Test
    void anAbsentSettingIsNoShippedValue() {
        // (in the container an unset variable reads META-INF/microprofile-config.properties, a shipped value)
        Map<String, String> s = prod();
        s.remove("steward.db.password");
        assertEquals(Optional.empty(), ProductionGuard.refusal(s, NONE_WORKS), "no value is not a shipped value");
    }

    @Test
    void keycloakThatCannotBeAskedIsRefusedUnlessTheOperatorSaysSo() {
        Supplier<List<Check>> unknown = () -> List.of(new Check(ALICE, Outcome.UNKNOWN, "no answer from https://sso"));
        String why = refused(prod(), unknown);
        assertTrue(why.contains("could not ask Keycloak whether " + ALICE) && why.contains("no answer from")
                && why.contains("STEWARD_PRODUCTION_KEYCLOAK_CHECK=false"), why);
        Map<String, String> s = prod();
        s.put("steward.production.keycloak-check", "false");
        assertEquals(Optional.empty(), ProductionGuard.refusal(s, () -> {
            throw new AssertionError("Keycloak asked although the check is off");
        }));
        // the switch does not excuse shipped secrets
        s.put("steward.db.password", "steward");
        assertTrue(ProductionGuard.refusal(s, NONE_WORKS).isPresent());
    }

    @Test
    void anUnknownProfileIsRefused() {
        Map<String, String> s = prod();
        s.put("steward.profile", "production");
        assertTrue(refused(s, NONE_WORKS).contains("must be dev or prod"));
        s.put("steward.profile", " PROD ");
        assertEquals(Optional.empty(), ProductionGuard.refusal(s, NONE_WORKS));
    }

    @Test
    void keycloakAnswersAreJudged() {
        String url = "https://sso/realms/steward/protocol/openid-connect/token";
        assertEquals(Outcome.WORKS, ShippedLogins.judge(200, "{\"access_token\":\"x\"}", url).outcome());
        assertEquals(Outcome.REFUSED, ShippedLogins.judge(401,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid user credentials\"}", url).outcome());
        assertEquals(Outcome.WORKS, ShippedLogins.judge(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Account is not fully set up\"}", url).outcome());
        assertEquals(Outcome.UNKNOWN, ShippedLogins.judge(401,
                "{\"error\":\"unauthorized_client\",\"error_description\":\"Client not allowed for direct access grants\"}",
                url).outcome());
        assertEquals(Outcome.UNKNOWN, ShippedLogins.judge(404, "<html>", url).outcome());
        assertEquals("https://sso.example.com/auth", ShippedLogins.baseOf("https://sso.example.com/auth/realms/steward/"));
        assertEquals("steward", ShippedLogins.realmOf("https://sso.example.com/auth/realms/steward/"));
    }
}
