package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's flow runs page in real Chromium (it/browser/runs.test.mjs) on runs made through the REST API in a
 * workspace of its own (alice its owner): paging, each filter changing the rows and the counts, a deep link restoring
 * the filters, the chart's totals, dark mode remembered across a reload, and the keyboard shortcuts with their
 * overlay. Screenshots 20-23 under it/screenshots/.
 */
class RunsPageBrowserIT {
    @Test
    void flowRunsPageWorksInChromium() throws Exception {
        String slug = Workspaces.create("runs");
        Workspaces.admin().put("/workspaces/" + slug + "/members/alice", "{\"role\":\"owner\"}").expect(200);
        Api api = Workspaces.api(slug, Workspaces.issueKey(slug, "developer"));

        String etl = api.post("/flows/", "{\"name\":\"etl-daily\"}").object().getString("id");
        String ml = api.post("/flows/", "{\"name\":\"ml-train\"}").object().getString("id");
        String nightly = api.post("/deployments/", "{\"name\":\"nightly\",\"flow_id\":\"" + etl + "\"}").expect(201)
                .object().getString("id");
        // etl-daily through its deployment, tagged nightly: 50 completed, 12 failed, 8 running
        for (int i = 0; i < 70; i++) {
            String state = i < 50 ? "COMPLETED" : i < 62 ? "FAILED" : "RUNNING";
            api.post("/deployments/" + nightly + "/create_flow_run", "{\"name\":\"etl-run-%03d\",\"tags\":[\"nightly\"],"
                    .formatted(i) + "\"state\":{\"type\":\"" + state + "\"}}").expect(201);
        }
        // ml-train without a deployment, tagged gpu: 40 completed, 10 crashed
        for (int i = 0; i < 50; i++) {
            api.post("/flow_runs/", "{\"flow_id\":\"" + ml + "\",\"name\":\"train-%03d\",\"tags\":[\"gpu\"],"
                    .formatted(i) + "\"state\":{\"type\":\"" + (i < 40 ? "COMPLETED" : "CRASHED") + "\"}}").expect(201);
        }
        // ten runs of ml-train that were to start ten days ago and never did (scheduled, late)
        Instant tenDaysAgo = Instant.now().minus(10, ChronoUnit.DAYS);
        for (int i = 0; i < 10; i++) {
            api.post("/flow_runs/", "{\"flow_id\":\"" + ml + "\",\"name\":\"old-%03d\",\"tags\":[\"archive\"],"
                    .formatted(i) + "\"state\":{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\""
                    + tenDaysAgo.plusSeconds(i) + "\"}}}").expect(201);
        }

        int exit = Processes.run(List.of("bash", "it/browser/run.sh", "runs.test.mjs"), Map.of(
                "STEWARD_URL", TestStack.get().appUrl(),
                "STEWARD_WORKSPACE", slug,
                "STEWARD_FLOW_ML", ml,
                "STEWARD_DEPLOYMENT", nightly), 10);
        assertEquals(0, exit, "the browser test failed: see its output above");
    }
}
