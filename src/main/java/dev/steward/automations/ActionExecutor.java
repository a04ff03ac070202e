package dev.steward.automations;

import dev.steward.access.TenantScope;
import dev.steward.blocks.BlockDocuments;
import dev.steward.deployments.DeploymentRuns;
import dev.steward.deployments.DeploymentService;
import dev.steward.orchestration.FlowRunService;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.Transactions;
import dev.steward.variables.VariableService;
import dev.steward.workers.WorkPool;
import dev.steward.workers.WorkPools;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What each of Prefect's action types does, for one claimed action run. Actions on this server's objects (pause a
 * deployment, change a flow run's state, run a deployment, ...) call the same services as the REST API, in the
 * automation's workspace only, in one transaction with the run's success mark and its
 * {@code prefect.automation.action.executed} event. Their targets are the ones the action selects, or inferred from
 * the triggering event as Prefect infers them (the first resource of the kind, primary first).
 */
@ApplicationScoped
public class ActionExecutor {
    @Inject
    Transactions tx;

    @Inject
    ActionRuns runs;

    @Inject
    AutomationService automations;

    @Inject
    DeploymentService deployments;

    @Inject
    DeploymentRuns deploymentRuns;

    @Inject
    FlowRunService flowRuns;

    @Inject
    BlockDocuments blocks;

    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    VariableService variables;

    @Inject
    TemplateContext templateContext;

    @Inject
    Templates templates;

    @Inject
    Notifications notifications;

    /** How an attempt ended. */
    sealed interface Outcome permits Done, Failed {}

    /** Done; {@code marked} when the run's success was recorded with the change itself. */
    record Done(JsonArray targets, JsonObjectBuilder details, boolean marked) implements Outcome {}

    /** Failed with a reason that names no secret; {@code retryable} when another attempt may pass. */
    record Failed(String reason, boolean retryable, JsonArray targets, JsonObject details) implements Outcome {
        static Failed permanently(String reason) {
            return new Failed(reason, false, JsonValue.EMPTY_JSON_ARRAY, JsonValue.EMPTY_JSON_OBJECT);
        }
    }

    /** The reason of a permanent failure, thrown by the action's code. */
    static final class ActionFailed extends RuntimeException {
        ActionFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    Outcome run(ActionRuns.Claimed claimed) {
        JsonObject action = claimed.action();
        String type = action.getString("type");
        try {
            return switch (type) {
                case "do-nothing" -> inWorkspace(claimed, targets -> { });
                case "pause-automation", "resume-automation" -> inWorkspace(claimed, targets -> {
                    UUID id = target(claimed, "automation");
                    targets.add(Firings.related("prefect.automation." + id, "target"));
                    automations.setEnabled(id, type.equals("resume-automation"));
                });
                case "pause-deployment", "resume-deployment" -> inWorkspace(claimed, targets -> {
                    UUID id = target(claimed, "deployment");
                    targets.add(Firings.related("prefect.deployment." + id, "target"));
                    deployments.setPaused(id, type.equals("pause-deployment"));
                });
                case "pause-work-pool", "resume-work-pool" -> inWorkspace(claimed, targets -> {
                    UUID id = target(claimed, "work-pool");
                    WorkPool pool = pools.get(id)
                            .orElseThrow(() -> new ActionFailed("Work pool " + id + " not found"));
                    targets.add(Json.createObjectBuilder(Firings.related("prefect.work-pool." + id, "target"))
                            .add("prefect.resource.name", pool.getName()).build());
                    pools.update(pool, new WorkPools.Update(null, type.equals("pause-work-pool"), null, null, false,
                            null, true));
                });
                case "pause-work-queue", "resume-work-queue" -> inWorkspace(claimed, targets -> {
                    UUID id = target(claimed, "work-queue");
                    targets.add(Firings.related("prefect.work-queue." + id, "target"));
                    queues.update(queues.get(id), new WorkQueues.Update(null, null,
                            type.equals("pause-work-queue"), null, false, null, null));
                });
                case "run-deployment" -> inWorkspace(claimed, targets -> {
                    UUID id = target(claimed, "deployment");
                    targets.add(Firings.related("prefect.deployment." + id, "target"));
                    JsonObject parameters = renderedParameters(claimed);
                    FlowRunService.Created run = deploymentRuns.createFlowRun(id, Body.of(runBody(claimed, parameters)));
                    JsonObject created = Json.parseObject(run.run());
                    targets.add(Json.createObjectBuilder(Firings.related("prefect.flow-run." + created.getString("id"),
                            "flow-run")).add("prefect.resource.name", created.getString("name", "")).build());
                });
                case "cancel-flow-run" -> setState(claimed, Json.createObjectBuilder().add("type", "CANCELLING")
                        .add("message", "Cancelled by Automation " + claimed.automationId()).build(), false);
                case "suspend-flow-run" -> setState(claimed, Json.createObjectBuilder().add("type", "PAUSED")
                        .add("name", "Suspended").add("message", "Suspended by Automation " + claimed.automationId())
                        .add("state_details", Json.createObjectBuilder()
                                .add("pause_timeout", Instant.now().plus(Duration.ofHours(1)).toString())
                                .add("pause_reschedule", true).addNull("pause_key")).build(), false);
                case "change-flow-run-state" -> {
                    JsonObjectBuilder state = Json.createObjectBuilder().add("type", action.getString("state"))
                            .add("message", action.get("message") instanceof JsonString m ? m.getString()
                                    : "State changed by Automation " + claimed.automationId());
                    if (action.get("name") instanceof JsonString n) state.add("name", n.getString());
                    yield setState(claimed, state.build(), action.getBoolean("force", false));
                }
                case "resume-flow-run" -> inWorkspace(claimed, targets -> {
                    UUID id = flowRunTarget(claimed, targets);
                    FlowRunService.Orchestrated result = flowRuns.resume(id, Body.of(JsonValue.EMPTY_JSON_OBJECT));
                    requireAccepted(result, "Failed to resume flow run: ");
                });
                case "delete-flow-run" -> inWorkspace(claimed, targets -> flowRuns.delete(flowRunTarget(claimed, targets)));
                case "call-webhook", "send-notification" -> callOut(claimed);
                default -> Failed.permanently("The action type '" + type + "' is not supported by this server yet");
            };
        } catch (ActionFailed e) {
            return Failed.permanently(e.getMessage());
        }
    }

    /**
     * call-webhook and send-notification: the block (its secrets opened) and the rendered templates are read in the
     * automation's workspace; the call is made outside any transaction. A call that got no answer is retried; a
     * webhook's answer, whatever its status, is a success (as in Prefect), and only its status is kept in the event.
     */
    private Outcome callOut(ActionRuns.Claimed claimed) {
        JsonObject action = claimed.action();
        String type = action.getString("type");
        UUID blockId = UUID.fromString(action.getString("block_document_id"));
        record Prepared(JsonObject block, List<String> rendered) {}
        Prepared prepared;
        try {
            prepared = TenantScope.system(claimed.workspaceId()).supply(() -> tx.inNew(() -> {
                JsonObject block = blocks.read(blockId, true);
                List<String> sources = type.equals("call-webhook")
                        ? List.of(action.getString("payload"))
                        : List.of(action.getString("subject"), action.getString("body"));
                Map<String, Object> context = templateContext.of(claimed, sources);
                List<String> rendered = new ArrayList<>();
                for (String source : sources) {
                    rendered.add(Templates.maybeTemplate(source) ? templates.render(source, context) : source);
                }
                return new Prepared(block, rendered);
            }));
        } catch (Problem.NotFound e) {
            return Failed.permanently("Unexpected status from '" + type + "' action: 404");
        } catch (Templates.RenderFailed e) {
            return Failed.permanently("Template rendering failed: " + e.getMessage());
        }
        JsonObject blockType = prepared.block().getJsonObject("block_type");
        String slug = blockType == null ? "" : blockType.getString("slug", "");
        JsonArray targets = Json.createArrayBuilder()
                .add(Json.createObjectBuilder(Firings.related("prefect.block-document." + blockId, "block"))
                        .add("prefect.resource.name", prepared.block().getString("name", "")))
                .add(Firings.related("prefect.block-type." + slug, "block-type"))
                .build();
        JsonObject data = prepared.block().getJsonObject("data");
        OutboundCalls.Result result;
        if (type.equals("call-webhook")) {
            if (!slug.equals(Notifications.WEBHOOK)) {
                return new Failed("The referenced block was not a webhook block", false, targets,
                        JsonValue.EMPTY_JSON_OBJECT);
            }
            result = notifications.callWebhook(data, prepared.rendered().get(0), claimed.id().toString());
        } else {
            result = notifications.notify(slug, data, prepared.rendered().get(0), prepared.rendered().get(1));
            if (Notifications.UNSUPPORTED.equals(result.failure())) {
                return new Failed(result.failure(), false, targets, JsonValue.EMPTY_JSON_OBJECT);
            }
        }
        if (!result.succeeded()) {
            String reason = type.equals("call-webhook") ? "Webhook call failed: " + result.failure()
                    : "Notification failed: " + result.failure();
            return new Failed(reason, true, targets, result.answered()
                    ? Json.createObjectBuilder().add("status_code", result.status()).build() : JsonValue.EMPTY_JSON_OBJECT);
        }
        return new Done(targets, Json.createObjectBuilder().add("status_code", result.status()), false);
    }

    /** The work of an action on this server's objects, with its success mark and event, in one transaction. */
    private Outcome inWorkspace(ActionRuns.Claimed claimed, Work work) {
        JsonArrayBuilder targets = Json.createArrayBuilder();
        try {
            return TenantScope.system(claimed.workspaceId()).supply(() -> tx.inNew(() -> {
                work.run(targets);
                runs.markSucceeded(claimed);
                JsonArray done = targets.build();
                runs.emit(claimed, "prefect.automation.action.executed", done, Json.createObjectBuilder());
                return new Done(done, Json.createObjectBuilder(), true);
            }));
        } catch (ActionFailed e) {
            return Failed.permanently(e.getMessage());
        } catch (Problem p) {
            // the service refused, as Prefect's API would answer the action's call
            return Failed.permanently("Validation error occurred for '" + claimed.action().getString("type") + "' - "
                    + p.summary());
        }
    }

    @FunctionalInterface
    private interface Work {
        void run(JsonArrayBuilder targets);
    }

    private Outcome setState(ActionRuns.Claimed claimed, JsonObject state, boolean force) {
        return inWorkspace(claimed, targets -> {
            UUID id = flowRunTarget(claimed, targets);
            FlowRunService.Orchestrated result = flowRuns.setState(id, Body.of(Json.createObjectBuilder()
                    .add("state", state).add("force", force).build()));
            requireAccepted(result, "Failed to set state: ");
        });
    }

    private static void requireAccepted(FlowRunService.Orchestrated result, String prefix) {
        String status = result.result().getString("status", "");
        if (!status.equals("ACCEPT")) {
            JsonObject details = result.result().getJsonObject("details");
            throw new ActionFailed(prefix + (details == null ? status : details.getString("reason", status)));
        }
    }

    /** A flow-run action's target: the for_each label of the firing, else the triggering event's flow run. */
    private static UUID flowRunTarget(ActionRuns.Claimed claimed, JsonArrayBuilder targets) {
        JsonObject labels = claimed.firing().getJsonObject("triggering_labels");
        UUID id = null;
        if (labels != null && labels.get("prefect.resource.id") instanceof JsonString s) {
            id = idOfKind(s.getString(), "prefect.flow-run");
        }
        if (id == null) id = inferred(claimed.triggeringEvent(), "prefect.flow-run");
        if (id == null) throw new ActionFailed("No flow run could be inferred");
        targets.add(Firings.related("prefect.flow-run." + id, "target"));
        return id;
    }

    /**
     * A selected target (its {@code <kind>_id}, e.g. {@code work_pool_id} for {@code work-pool}) or, for
     * {@code source: inferred}, one inferred from the triggering event.
     */
    private static UUID target(ActionRuns.Claimed claimed, String kind) {
        JsonObject action = claimed.action();
        if (!"inferred".equals(action.getString("source", "selected"))) {
            return UUID.fromString(action.getString(kind.replace('-', '_') + "_id"));
        }
        String words = kind.replace('-', ' ');
        if (claimed.triggeringEvent() == null) throw new ActionFailed("No event to infer the " + words);
        UUID id = inferred(claimed.triggeringEvent(), "prefect." + kind);
        if (id == null) throw new ActionFailed("No " + words + " could be inferred");
        return id;
    }

    /** Prefect's inference: the first resource of the kind in the event, primary first; null if its id is no uuid. */
    static UUID inferred(JsonObject event, String kind) {
        if (event == null) return null;
        List<JsonObject> resources = new ArrayList<>();
        if (event.get("resource") instanceof JsonObject r) resources.add(r);
        if (event.get("related") instanceof JsonArray related) {
            related.forEach(v -> { if (v instanceof JsonObject o) resources.add(o); });
        }
        for (JsonObject resource : resources) {
            String id = resource.getString("prefect.resource.id", "");
            int dot = id.lastIndexOf('.');
            if (dot > 0 && id.substring(0, dot).equals(kind)) return idOfKind(id, kind);
        }
        return null;
    }

    private static UUID idOfKind(String resourceId, String kind) {
        if (!resourceId.startsWith(kind + ".")) return null;
        try {
            return UUID.fromString(resourceId.substring(kind.length() + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A run-deployment action's parameters rendered in the automation's workspace (null: the deployment's own). A
     * placeholder that cannot be filled fails the action with Prefect's reason, which names the problem here (Prefect's
     * own shows only the error's class, e.g. "WorkspaceVariableNotFound()").
     */
    private JsonObject renderedParameters(ActionRuns.Claimed claimed) {
        if (!(claimed.action().get("parameters") instanceof JsonObject parameters)) return null;
        RunParameters.Workspace workspace = new RunParameters.Workspace() {
            @Override
            public Map<String, Object> context(List<String> sources) {
                return templateContext.of(claimed, sources);
            }

            @Override
            public Optional<JsonValue> variable(String name) {
                return variables.find(name).map(v -> Json.parse(v.getValue()));
            }
        };
        try {
            return RunParameters.render(parameters, templates, workspace);
        } catch (RunParameters.Invalid e) {
            throw new ActionFailed("Unable to create flow run from deployment: " + e.getMessage());
        }
    }

    /** Prefect's DeploymentFlowRunCreate of a run-deployment action: scheduled now (or after schedule_after). */
    private static JsonObject runBody(ActionRuns.Claimed claimed, JsonObject parameters) {
        JsonObject action = claimed.action();
        double after = action.get("schedule_after") instanceof jakarta.json.JsonNumber n ? n.doubleValue() : 0;
        Instant at = Instant.now().plusMillis((long) (after * 1000));
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("state", Json.createObjectBuilder().add("type", "SCHEDULED").add("name", "Scheduled")
                        .add("state_details", Json.createObjectBuilder().add("scheduled_time", at.toString())))
                .add("idempotency_key", "automation " + claimed.automationId() + ", action " + claimed.index()
                        + ", invocation " + claimed.id());
        if (parameters != null) body.add("parameters", parameters);
        if (action.get("job_variables") instanceof JsonObject j) body.add("job_variables", j);
        return body.build();
    }
}
