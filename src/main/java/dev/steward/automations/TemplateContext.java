package dev.steward.automations;

import dev.steward.deployments.DeploymentService;
import dev.steward.orchestration.FlowDocument;
import dev.steward.orchestration.FlowRunService;
import dev.steward.orchestration.FlowService;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an action's templates can name, as Prefect's actions service gives them: {@code automation}, {@code event}
 * (the triggering event), {@code labels} (the firing's for_each labels) and {@code firing}, and the objects the
 * triggering event is about, read only when a template names them and only in the automation's workspace (the
 * caller's admission): {@code flow_run}, {@code flow} and {@code deployment}. An object that is not there (deleted,
 * or another workspace's id) is absent, as Prefect leaves it None.
 */
@ApplicationScoped
public class TemplateContext {
    @Inject
    FlowRunService flowRuns;

    @Inject
    FlowService flows;

    @Inject
    DeploymentService deployments;

    /** The context for the claimed run's templates (read under the automation's workspace). */
    Map<String, Object> of(ActionRuns.Claimed claimed, List<String> templates) {
        Map<String, Object> context = new HashMap<>();
        context.put("automation", Templates.plain(Json.createObjectBuilder()
                .add("id", claimed.automationId().toString()).add("name", claimed.automationName())
                .add("trigger", claimed.trigger().toJson()).build()));
        JsonObject event = claimed.triggeringEvent();
        context.put("event", event == null ? null : Templates.plain(event));
        context.put("labels", Templates.plain(claimed.firing().getJsonObject("triggering_labels")));
        context.put("firing", Templates.plain(claimed.firing()));
        if (event == null) return context;
        String text = String.join("\n", templates);
        JsonObject flowRun = null;
        UUID flowRunId = ActionExecutor.inferred(event, "prefect.flow-run");
        if (flowRunId != null && (names(text, "flow_run") || names(text, "flow"))) {
            flowRun = read(() -> Json.parseObject(flowRuns.get(flowRunId)));
            if (flowRun != null) context.put("flow_run", Templates.plain(flowRun));
        }
        if (names(text, "flow")) {
            UUID flowId = ActionExecutor.inferred(event, "prefect.flow");
            if (flowId == null && flowRun != null && flowRun.get("flow_id") instanceof JsonString s) {
                flowId = UUID.fromString(s.getString());
            }
            UUID id = flowId;
            JsonObject flow = id == null ? null : read(() -> FlowDocument.of(flows.get(id)));
            if (flow != null) context.put("flow", Templates.plain(flow));
        }
        UUID deploymentId = ActionExecutor.inferred(event, "prefect.deployment");
        if (deploymentId != null && names(text, "deployment")) {
            JsonObject deployment = read(() -> deployments.get(deploymentId));
            if (deployment != null) context.put("deployment", Templates.plain(deployment));
        }
        return context;
    }

    private static final Map<String, Pattern> NAMES = Map.of(
            "flow_run", Pattern.compile("\\bflow_run\\b"),
            "flow", Pattern.compile("\\bflow\\b"),
            "deployment", Pattern.compile("\\bdeployment\\b"));

    /** Whether the templates name an object (read only then, as Prefect does). */
    private static boolean names(String text, String name) {
        return NAMES.get(name).matcher(text).find();
    }

    private static JsonObject read(java.util.function.Supplier<JsonObject> read) {
        try {
            return read.get();
        } catch (Problem.NotFound e) {
            return null;
        }
    }
}
