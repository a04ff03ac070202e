package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.Endpoints;
import dev.steward.devstack.TestStack;
import dev.steward.platform.ShippedLogins;
import dev.steward.platform.ShippedLogins.Check;
import dev.steward.platform.ShippedLogins.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the production guard asks Keycloak, against the test stack's real Keycloak, which runs every shipped login
 * (its admin is admin/admin, the dev realm has alice and bob). The stack itself runs profile dev, so it starts.
 */
class ShippedLoginsIT {
    @Test
    void theTestStacksKeycloakAcceptsEveryShippedLogin() {
        Endpoints e = TestStack.get().endpoints();
        List<Check> checks = ShippedLogins.check(e.issuer(), ShippedLogins.of(e.issuer(), e.clientId(), e.clientSecret()),
                Duration.ofSeconds(10));
        assertEquals(List.of(Outcome.WORKS, Outcome.WORKS, Outcome.WORKS), checks.stream().map(Check::outcome).toList(),
                checks.toString());
    }

    @Test
    void otherPasswordsAndUsersAreRefusedAndAMissingRealmIsUnknown() {
        Endpoints e = TestStack.get().endpoints();
        List<ShippedLogins.Client> clients = List.of(new ShippedLogins.Client("admin-cli", null));
        List<Check> checks = ShippedLogins.check(e.issuer(), List.of(
                new ShippedLogins.Login("alice, other password", e.realm(), "alice", "not-alice", clients),
                new ShippedLogins.Login("no such user", e.realm(), "mallory", "mallory", clients),
                new ShippedLogins.Login("no such realm", "nowhere", "alice", "alice", clients)), Duration.ofSeconds(10));
        assertEquals(List.of(Outcome.REFUSED, Outcome.REFUSED, Outcome.UNKNOWN),
                checks.stream().map(Check::outcome).toList(), checks.toString());
        // a client that may not take passwords cannot judge; the guard then tries the next one
        List<Check> noGrant = ShippedLogins.check(e.issuer(), List.of(new ShippedLogins.Login("alice via account",
                e.realm(), "alice", "alice", List.of(new ShippedLogins.Client("account", null),
                        new ShippedLogins.Client(e.clientId(), e.clientSecret())))), Duration.ofSeconds(10));
        assertEquals(Outcome.WORKS, noGrant.get(0).outcome(), noGrant.toString());
    }
}
