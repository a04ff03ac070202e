package dev.steward.automations;

import dev.steward.access.TenantScope;
import dev.steward.concurrency.ConcurrencyLimitDocument;
import dev.steward.concurrency.ConcurrencyLimitService;
import dev.steward.deployments.DeploymentService;
import dev.steward.orchestration.FlowDocument;
import dev.steward.orchestration.FlowRunService;
import dev.steward.orchestration.FlowService;
import dev.steward.orchestration.TaskRunStore;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.Transactions;
import dev.steward.variables.VariableService;
import dev.steward.workers.WorkPools;
import dev.steward.workers.WorkQueues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What an action's templates can name, as Prefect's actions service gives them ({@code _template_context} in
 * prefect/server/events/actions.py): {@code automation}, {@code event} (the triggering event), {@code labels} (the
 * firing's for_each labels), {@code firing}, {@code firings} (the firing and, for a composite trigger, its children's,
 * depth first) and {@code events} (their events); and, when there is a triggering event, what a template names, read
 * then only and only in the automation's workspace (the caller's admission): the {@code flow_run}, {@code flow},
 * {@code deployment}, {@code task_run}, {@code work_pool}, {@code work_queue} (with its status) and
 * {@code concurrency_limit} the event is about, and {@code variables} (the workspace's variables by name, the first
 * 1,000 as Prefect reads them). An object that is not there (deleted, or another workspace's id) is absent, as Prefect
 * leaves it None.
 */
@ApplicationScoped
public class TemplateContext {
    /** How many variables Prefect's actions service reads for {@code variables}. */
    static final int MAX_VARIABLES = 1000;

    @Inject
    Transactions tx;

    @Inject
    FlowRunService flowRuns;

    @Inject
    FlowService flows;

    @Inject
    DeploymentService deployments;

    @Inject
    TaskRunStore taskRuns;

    @Inject
    WorkPools pools;

    @Inject
    WorkQueues queues;

    @Inject
    ConcurrencyLimitService limits;

    @Inject
    VariableService variables;

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
        List<Object> firings = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        allFirings(claimed.firing(), firings, events);
        context.put("firings", firings);
        context.put("events", events);
        if (event == null) return context;
        String text = String.join("\n", templates);
        JsonObject flowRun = null;
        UUID flowRunId = ActionExecutor.inferred(event, "prefect.flow-run");
        if (flowRunId != null && (names(text, "flow_run") || names(text, "flow"))) {
            flowRun = read(() -> Json.parseObject(flowRuns.get(flowRunId)));
            put(context, "flow_run", flowRun);
        }
        if (names(text, "flow")) {
            UUID flowId = ActionExecutor.inferred(event, "prefect.flow");
            if (flowId == null && flowRun != null && flowRun.get("flow_id") instanceof JsonString s) {
                flowId = UUID.fromString(s.getString());
            }
            UUID id = flowId;
            put(context, "flow", id == null ? null : read(() -> FlowDocument.of(flows.get(id))));
        }
        readIfNamed(context, text, event, "deployment", id -> deployments.get(id));
        readIfNamed(context, text, event, "task_run", id -> taskRuns.find(TenantScope.workspaceId(), id)
                .map(Json::parseObject).orElse(null));
        readIfNamed(context, text, event, "work_pool", id -> pools.get(id).map(pools::describe).orElse(null));
        readIfNamed(context, text, event, "work_queue", id -> queues.find(id).map(q -> {
            // Prefect's WorkQueueWithStatus: the queue with its status's fields
            JsonObject status = queues.health(q);
            return Json.createObjectBuilder(pools.describe(q)).addAll(Json.createObjectBuilder(status)).build();
        }).orElse(null));
        readIfNamed(context, text, event, "concurrency_limit", id -> limits.find(id.toString())
                .map(ConcurrencyLimitDocument::write).orElse(null));
        if (names(text, "variables")) {
            Map<String, Object> byName = new LinkedHashMap<>();
            variables.list(VariableService.Page.all(0, MAX_VARIABLES))
                    .forEach(v -> byName.put(v.getName(), Templates.plain(Json.parse(v.getValue()))));
            context.put("variables", byName);
        }
        return context;
    }

    /** Prefect's all_firings and all_events: the firing, then each child's, depth first. */
    private static void allFirings(JsonObject firing, List<Object> firings, List<Object> events) {
        firings.add(Templates.plain(firing));
        if (firing.get("triggering_event") instanceof JsonObject event) events.add(Templates.plain(event));
        if (firing.get("triggering_firings") instanceof JsonArray children) {
            for (JsonValue child : children) allFirings(child.asJsonObject(), firings, events);
        }
    }

    /** The object of a kind (named as in the context) that the event is about, read if the templates name it. */
    private void readIfNamed(Map<String, Object> context, String text, JsonObject event, String name,
                             Function<UUID, JsonObject> reader) {
        if (!names(text, name)) return;
        UUID id = ActionExecutor.inferred(event, "prefect." + name.replace('_', '-'));
        if (id != null) put(context, name, read(() -> reader.apply(id)));
    }

    private static void put(Map<String, Object> context, String name, JsonObject object) {
        if (object != null) context.put(name, Templates.plain(object));
    }

    /** Whether the templates name an object (read only then, as Prefect does). */
    private static boolean names(String text, String name) {
        return Pattern.compile("\\b" + name + "\\b").matcher(text).find();
    }

    /**
     * One read, in a transaction of its own: a service that finds nothing throws, which marks its transaction for
     * rollback, and that must not be the caller's (a run-deployment action creates its run in it).
     */
    private <T> T read(Supplier<T> read) {
        try {
            return tx.inNew(read::get);
        } catch (Problem.NotFound e) {
            return null;
        }
    }
}
