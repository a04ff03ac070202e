package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console in real Chromium (it/browser/console.test.mjs): Keycloak's login page, variables and API keys, live
 * updates from the REST API, a viewer's read-only view. Screenshots under it/screenshots/.
 */
class ConsoleBrowserIT {
    @Test
    void consoleWorksInChromium() throws Exception {
        // the realm's groups give alice (owner) and bob (viewer) roles in the workspace "default"
        int status = Workspaces.admin().post("/workspaces", "{\"slug\":\"default\",\"name\":\"Default workspace\"}").status();
        if (status != 201 && status != 409) throw new AssertionError("could not create workspace default: " + status);
        String key = Workspaces.issueKey("default", "developer");
        int exit = Processes.run(List.of("bash", "it/browser/run.sh"), Map.of(
                "STEWARD_URL", TestStack.get().appUrl(),
                "STEWARD_WORKSPACE", "default",
                "STEWARD_API_KEY", key), 10);
        assertEquals(0, exit, "the browser test failed: see its output above");
    }
}
