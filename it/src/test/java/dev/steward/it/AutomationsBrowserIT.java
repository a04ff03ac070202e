package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The automations pages in real Chromium (it/browser/automations.test.mjs), in a workspace of its own (alice owner,
 * bob viewer) with a flow, a work pool, and a run of the flow that failed before any automation existed (its events
 * are what the backtest finds), and an automation with a compound trigger, which the editor's form cannot show. In
 * the browser: an automation made from the flow-run template with a flow picked,
 * backtested before it is saved (the earlier failure is a would-be firing), saved, switched off and on, edited in the
 * JSON tab (the API's 422 shown, JSON the form cannot show kept there, the edit read back by the form), a second one
 * from the work-pool template with the pool picked in the trigger and in its action; then a new failure of the flow,
 * sent through the REST API while the page is open, appears in the firing history with its action's outcome and a
 * link to the run; a viewer sees no write controls. Screenshots 60-65.
 */
class AutomationsBrowserIT {
    @Test
    void automationsPagesWorkInChromium() throws Exception {
        String slug = Workspaces.create("automations-ui");
        Workspaces.admin().put("/workspaces/" + slug + "/members/alice", "{\"role\":\"owner\"}").expect(200);
        Workspaces.admin().put("/workspaces/" + slug + "/members/bob", "{\"role\":\"viewer\"}").expect(200);
        String key = Workspaces.issueKey(slug, "developer");
        Api api = Workspaces.api(slug, key);

        String flow = api.post("/flows/", "{\"name\":\"nightly-etl\"}").expect(201).object().getString("id");
        api.post("/work_pools/", "{\"name\":\"etl-pool\",\"type\":\"process\"}").expect(201);
        String pastRun = failedRun(api, flow, "earlier-failure");
        // what the form cannot show: the editor keeps it in the JSON tab
        api.post("/automations/", "{\"name\":\"compound-watch\",\"trigger\":{\"type\":\"compound\","
                + "\"require\":\"all\",\"within\":3600,\"triggers\":[{\"posture\":\"Reactive\","
                + "\"expect\":[\"prefect.flow-run.Failed\"],\"match\":{\"prefect.resource.id\":\"prefect.flow-run.*\"}},"
                + "{\"posture\":\"Reactive\",\"expect\":[\"prefect.work-pool.not-ready\"],"
                + "\"match\":{\"prefect.resource.id\":\"prefect.work-pool.*\"}}]},"
                + "\"actions\":[{\"type\":\"do-nothing\"}]}").expect(201);

        int exit = Processes.run(List.of("bash", "it/browser/run.sh", "automations.test.mjs"), Map.of(
                "STEWARD_URL", TestStack.get().appUrl(),
                "STEWARD_WORKSPACE", slug,
                "STEWARD_API_KEY", key,
                "STEWARD_FLOW_ID", flow,
                "STEWARD_PAST_RUN", pastRun), 10);
        assertEquals(0, exit, "the browser test failed: see its output above");

        // what the browser saved is what the API answers
        List<JsonObject> automations = api.post("/automations/filter", "{\"sort\":\"NAME_ASC\"}").expect(200).array()
                .getValuesAs(JsonObject.class);
        assertEquals(List.of("compound-watch", "etl-failures", "pool-watch"),
                automations.stream().map(a -> a.getString("name")).toList());
        JsonObject etl = automations.get(1);
        assertEquals("edited in JSON", etl.getString("description"));
        assertEquals(true, etl.getBoolean("enabled"));
        assertEquals("prefect.flow." + flow, etl.getJsonObject("trigger").getJsonObject("match_related")
                .getJsonArray("prefect.resource.id").getString(0));
        JsonObject pool = automations.get(2);
        assertEquals("pause-work-pool", pool.getJsonArray("actions").getJsonObject(0).getString("type"));
    }

    /** A run of the flow that went to Running, then Failed: its state events are stored now. */
    static String failedRun(Api api, String flow, String name) {
        String run = api.post("/flow_runs/", "{\"flow_id\":\"" + flow + "\",\"name\":\"" + name + "\"}").expect(201)
                .object().getString("id");
        api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"RUNNING\"},\"force\":true}").expect(201);
        api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"FAILED\"},\"force\":true}").expect(201);
        return run;
    }
}
