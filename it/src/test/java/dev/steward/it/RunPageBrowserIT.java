package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The flow run and task run pages in real Chromium (it/browser/run-page.test.mjs) on runs the real prefect 3.9 client
 * records (it/browser/run_page_flows.py): 1,000 mapped tasks with persisted JSON results, a flow with a subflow, and a
 * flow that is still running while the browser looks at it (its first task waits for a file the browser test creates
 * at the end; two tasks wait on it). Screenshots 30-36 under it/screenshots/.
 */
class RunPageBrowserIT {
    @Test
    void runPagesWorkInChromium() throws Exception {
        // the realm's groups give alice (owner) and bob (viewer) roles in the workspace "default"
        int status = Workspaces.admin().post("/workspaces", "{\"slug\":\"default\",\"name\":\"Default workspace\"}").status();
        if (status != 201 && status != 409) throw new AssertionError("could not create workspace default: " + status);
        String key = Workspaces.issueKey("default", "developer");
        Path work = Files.createTempDirectory("run-page-it");
        Map<String, String> prefect = prefectEnv(key, work);

        String mapped = runFlow(prefect, work, "mapped");
        String subflow = runFlow(prefect, work, "subflow");

        Path release = work.resolve("release");
        Path runningId = work.resolve("running.id");
        Map<String, String> env = new HashMap<>(prefect);
        env.put("STEWARD_RUN_ID_FILE", runningId.toString());
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c",
                "exec \"$(bash it/prefect/run.sh --venv-only)/bin/python\" it/browser/run_page_flows.py running \"$1\"",
                "running", release.toString()))
                .directory(new File(System.getProperty("steward.basedir", ".")))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("running.log").toFile());
        pb.environment().putAll(env);
        Process running = pb.start();
        try {
            for (int i = 0; i < 600 && !Files.exists(runningId); i++) Thread.sleep(100);
            assertTrue(Files.exists(runningId), "the running flow did not start: " + Files.readString(work.resolve("running.log")));
            String runningRun = Files.readString(runningId).strip();

            int exit = Processes.run(List.of("bash", "it/browser/run.sh", "run-page.test.mjs"), Map.of(
                    "STEWARD_URL", TestStack.get().appUrl(),
                    "STEWARD_WORKSPACE", "default",
                    "STEWARD_API_KEY", key,
                    "RUN_MAPPED", mapped,
                    "RUN_SUBFLOW", subflow,
                    "RUN_RUNNING", runningRun,
                    "RELEASE_FILE", release.toString()), 10);
            assertEquals(0, exit, "the browser test failed: see its output above");

            // the browser released the waiting task: the flow ends, and the server agrees it completed
            assertTrue(running.waitFor(2, TimeUnit.MINUTES), "the running flow did not end after its release");
            assertEquals(0, running.exitValue(), Files.readString(work.resolve("running.log")));
            Api api = Workspaces.api("default", key);
            assertEquals("COMPLETED", api.get("/flow_runs/" + runningRun).expect(200).object().getString("state_type"));
        } finally {
            Files.writeString(release, "released");
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                running.descendants().forEach(ProcessHandle::destroy);
                running.destroyForcibly();
            }
        }
    }

    /**
     * The client pointed at the workspace; its results go to the server's default result folder
     * (~/.prefect/storage, steward.results.local-storage), so the results tab can preview them.
     */
    private static Map<String, String> prefectEnv(String key, Path work) {
        return Map.of(
                "PREFECT_API_URL", TestStack.get().appUrl() + "/api/workspaces/default",
                "PREFECT_API_AUTH_STRING", key,
                "PREFECT_HOME", work.resolve("prefect-home").toString(),
                "PREFECT_LOCAL_STORAGE_PATH", System.getProperty("user.home") + "/.prefect/storage",
                "PYTHONDONTWRITEBYTECODE", "1");
    }

    /** Runs one of the flows to its end; returns its flow run's id. */
    private static String runFlow(Map<String, String> prefect, Path work, String which) throws Exception {
        Path id = work.resolve(which + ".id");
        Map<String, String> env = new HashMap<>(prefect);
        env.put("STEWARD_RUN_ID_FILE", id.toString());
        int exit = Processes.run(List.of("bash", "-c",
                "exec \"$(bash it/prefect/run.sh --venv-only)/bin/python\" it/browser/run_page_flows.py \"$1\"",
                which, which), env, 10);
        assertEquals(0, exit, "the " + which + " flow failed: see its output above");
        return Files.readString(id).strip();
    }
}
