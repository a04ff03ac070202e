package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The unmodified prefect 3.9.1 client and CLI, from PyPI in a virtualenv that it/prefect/run.sh creates, against a
 * workspace: the Python suite under it/prefect/tests (variables through the CLI and prefect.variables.Variable).
 */
class PrefectClientIT {
    @Test
    void prefectClientSuitePassesAgainstAWorkspace() throws Exception {
        String ws = Workspaces.create("prefect");
        String key = Workspaces.issueKey(ws, "developer");
        int exit = Processes.run(List.of("bash", "it/prefect/run.sh", "-q"), Map.of(
                "PREFECT_API_URL", TestStack.get().appUrl() + "/api/workspaces/" + ws,
                "PREFECT_API_AUTH_STRING", key,
                // the operators' cleanup queue API, which a developer's key may not read
                "STEWARD_IT_ADMIN_KEY", Workspaces.issueKey(ws, "admin")), 20);
        assertEquals(0, exit, "the Prefect client suite failed: see its output above");
    }
}
