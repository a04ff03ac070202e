package dev.steward.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkspaceRolesTest {
    @Test
    void keycloakGroupsGrantTheStrongestRolePerWorkspace() {
        Caller bob = Caller.user("bob", Set.of(Caller.USER_ROLE), Set.of(
                "/workspaces/default/viewer", "/workspaces/default/developer", "/workspaces/ops/admin",
                "/workspaces/bad", "/other/x/owner", "/workspaces/typo/superuser"));
        assertEquals(Map.of("default", Role.DEVELOPER, "ops", Role.ADMIN), WorkspaceService.groupRoles(bob));
    }

    @Test
    void rolesAreOrdered() {
        assertTrue(Role.OWNER.atLeast(Role.ADMIN));
        assertTrue(Role.DEVELOPER.atLeast(Role.VIEWER));
        assertTrue(!Role.VIEWER.atLeast(Role.DEVELOPER));
        assertEquals(Role.ADMIN, Role.max(Role.VIEWER, Role.ADMIN));
        assertEquals(Role.VIEWER, Role.parse("Viewer").orElseThrow());
        assertTrue(Role.parse("root").isEmpty());
    }
}
