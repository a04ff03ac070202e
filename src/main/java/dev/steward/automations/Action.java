package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * What an automation does when it triggers: one record per action type of Prefect 3.9's server
 * ({@code ServerActionTypes} in prefect/server/events/actions.py), each with Prefect's fields and defaults, read from a
 * request with Prefect's validation ({@link #read}) and written back as Prefect's server answers it ({@link #toJson},
 * every field, nulls included). Carrying actions out is not this type's business.
 */
public sealed interface Action {

    /** The action types Prefect's server takes, in the order of its union (the order its 422 lists them in). */
    List<String> TYPES = List.of("do-nothing", "run-deployment", "pause-deployment", "resume-deployment",
            "cancel-flow-run", "delete-flow-run", "change-flow-run-state", "pause-work-queue", "resume-work-queue",
            "send-notification", "call-webhook", "pause-automation", "resume-automation", "suspend-flow-run",
            "resume-flow-run", "pause-work-pool", "resume-work-pool");

    /** The state types {@code change-flow-run-state} may set (Prefect's StateType). */
    List<String> STATE_TYPES = List.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED",
            "CRASHED", "PAUSED", "CANCELLING");

    /** Prefect's {@code type}, e.g. "run-deployment". */
    String type();

    /** The action as Prefect's server writes it: {@code type} first, then every field in Prefect's order. */
    JsonObject toJson();

    /**
     * Reads one action of a request body at {@code location} (dotted, e.g. {@code actions.0}), refusing it with a 422
     * as Prefect does: an unknown {@code type} (naming the allowed ones), a missing or mistyped field, a selected
     * target without its id or an inferred one with an id, a template that does not parse. A missing {@code type}
     * reads as do-nothing and fields an action does not have are ignored, both as in Prefect.
     */
    static Action read(JsonValue json, String location) {
        return ActionReader.read(json, location);
    }

    /** Reads a list of actions at {@code location} (e.g. {@code actions}); each is read at its index. */
    static List<Action> readList(JsonValue json, String location) {
        return ActionReader.readList(json, location);
    }

    /** A list of actions in Prefect's wire form. */
    static JsonArray toJson(List<? extends Action> actions) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        actions.forEach(a -> out.add(a.toJson()));
        return out.build();
    }

    /**
     * The deployments that the run-deployment actions of {@code actions} select by id: what Prefect relates an
     * automation to (its {@code _sync_automation_related_resources}, which looks at the automation's {@code actions}
     * only, not at {@code actions_on_trigger} or {@code actions_on_resolve}, and not at pause or resume).
     */
    static Set<UUID> selectedDeploymentIds(List<? extends Action> actions) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (Action action : actions) {
            if (action instanceof RunDeployment run && run.source() == Source.SELECTED) ids.add(run.deploymentId());
        }
        return ids;
    }

    /** Whether an action acts on an object it names ({@code selected}) or one found in the triggering event. */
    enum Source {
        SELECTED("selected"), INFERRED("inferred");

        private final String wire;

        Source(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * An action on one object (a deployment, work pool, work queue or automation): the one named by its id when the
     * source is selected, else the one the triggering event names (then there is no id).
     */
    sealed interface Targeted extends Action {
        Source source();

        /** The selected object's id; null when inferred. */
        UUID targetId();

        /** The kind of the target as in an event's resource id, e.g. {@code prefect.deployment}. */
        String targetKind();

        /** The name of the id field, e.g. {@code deployment_id}. */
        String idField();
    }

    /** Prefect's rule for every targeted action: selected needs the id, inferred refuses one. */
    private static void requireTarget(Source source, UUID id) {
        Objects.requireNonNull(source, "source");
        if ((source == Source.SELECTED) != (id != null)) {
            throw new IllegalArgumentException(source == Source.SELECTED ? "a selected target needs its id"
                    : "an inferred target has no id");
        }
    }

    private static JsonObjectBuilder typed(String type) {
        return Json.createObjectBuilder().add("type", type);
    }

    private static JsonObject targeted(Targeted action) {
        return typed(action.type()).add("source", action.source().wire())
                .add(action.idField(), action.targetId() == null ? JsonValue.NULL : Json.createValue(action.targetId().toString()))
                .build();
    }

    private static JsonValue orNull(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }

    /** A duration as Python's float of seconds (300.0, 0.5), which is how Prefect writes a timedelta. */
    private static BigDecimal seconds(Duration d) {
        BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9))
                .setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return s.scale() < 1 ? s.setScale(1) : s;
    }

    // --- the action types ------------------------------------------------------------------------------------------

    /** Does nothing (useful to watch an automation trigger). */
    record DoNothing() implements Action {
        public String type() { return "do-nothing"; }

        public JsonObject toJson() { return typed(type()).build(); }
    }

    /**
     * Creates a flow run of a deployment. {@code parameters} (null: the deployment's own) may hold Jinja templates,
     * plain (v1) or as {@code {"__prefect_kind": "jinja", ...}} placeholders; {@code jobVariables} (null: the
     * deployment's) are passed as given, never rendered (as in Prefect 3.9); the run is scheduled
     * {@code scheduleAfter} from when the action runs.
     */
    record RunDeployment(Source source, UUID deploymentId, JsonObject parameters, JsonObject jobVariables,
                         Duration scheduleAfter) implements Targeted {
        public RunDeployment {
            requireTarget(source, deploymentId);
            Objects.requireNonNull(scheduleAfter, "scheduleAfter");
            if (scheduleAfter.isNegative()) throw new IllegalArgumentException("schedule_after must be non-negative");
        }

        public String type() { return "run-deployment"; }
        public UUID targetId() { return deploymentId; }
        public String targetKind() { return "prefect.deployment"; }
        public String idField() { return "deployment_id"; }

        public JsonObject toJson() {
            return Json.createObjectBuilder(targeted(this))
                    .add("parameters", parameters == null ? JsonValue.NULL : parameters)
                    .add("job_variables", jobVariables == null ? JsonValue.NULL : jobVariables)
                    .add("schedule_after", Json.createValue(seconds(scheduleAfter)))
                    .build();
        }
    }

    /** Pauses a deployment's schedules. */
    record PauseDeployment(Source source, UUID deploymentId) implements Targeted {
        public PauseDeployment { requireTarget(source, deploymentId); }

        public String type() { return "pause-deployment"; }
        public UUID targetId() { return deploymentId; }
        public String targetKind() { return "prefect.deployment"; }
        public String idField() { return "deployment_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Resumes a deployment's schedules. */
    record ResumeDeployment(Source source, UUID deploymentId) implements Targeted {
        public ResumeDeployment { requireTarget(source, deploymentId); }

        public String type() { return "resume-deployment"; }
        public UUID targetId() { return deploymentId; }
        public String targetKind() { return "prefect.deployment"; }
        public String idField() { return "deployment_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Cancels the flow run of the trigger (its labels' or its event's). */
    record CancelFlowRun() implements Action {
        public String type() { return "cancel-flow-run"; }
        public JsonObject toJson() { return typed(type()).build(); }
    }

    /** Deletes the flow run of the trigger. */
    record DeleteFlowRun() implements Action {
        public String type() { return "delete-flow-run"; }
        public JsonObject toJson() { return typed(type()).build(); }
    }

    /**
     * Sets the state of the flow run of the trigger: {@code state} one of {@link #STATE_TYPES}; {@code name} and
     * {@code message} optional (no message: "State changed by Automation &lt;id&gt;"); {@code force} past the rules.
     */
    record ChangeFlowRunState(String name, String state, String message, boolean force) implements Action {
        public ChangeFlowRunState {
            if (!STATE_TYPES.contains(state)) throw new IllegalArgumentException("not a state type: " + state);
        }

        public String type() { return "change-flow-run-state"; }

        public JsonObject toJson() {
            return typed(type()).add("name", orNull(name)).add("state", state).add("message", orNull(message))
                    .add("force", force).build();
        }
    }

    /** Suspends the flow run of the trigger (for an hour, as Prefect's Suspended state). */
    record SuspendFlowRun() implements Action {
        public String type() { return "suspend-flow-run"; }
        public JsonObject toJson() { return typed(type()).build(); }
    }

    /** Resumes the paused or suspended flow run of the trigger. */
    record ResumeFlowRun() implements Action {
        public String type() { return "resume-flow-run"; }
        public JsonObject toJson() { return typed(type()).build(); }
    }

    /** Pauses a work queue. */
    record PauseWorkQueue(Source source, UUID workQueueId) implements Targeted {
        public PauseWorkQueue { requireTarget(source, workQueueId); }

        public String type() { return "pause-work-queue"; }
        public UUID targetId() { return workQueueId; }
        public String targetKind() { return "prefect.work-queue"; }
        public String idField() { return "work_queue_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Resumes a work queue. */
    record ResumeWorkQueue(Source source, UUID workQueueId) implements Targeted {
        public ResumeWorkQueue { requireTarget(source, workQueueId); }

        public String type() { return "resume-work-queue"; }
        public UUID targetId() { return workQueueId; }
        public String targetKind() { return "prefect.work-queue"; }
        public String idField() { return "work_queue_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /**
     * Sends a notification through a notification block; {@code subject} (default "Prefect automated notification")
     * and {@code body} are templates.
     */
    record SendNotification(UUID blockDocumentId, String subject, String body) implements Action {
        public static final String DEFAULT_SUBJECT = "Prefect automated notification";

        public SendNotification {
            Objects.requireNonNull(blockDocumentId, "blockDocumentId");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(body, "body");
        }

        public String type() { return "send-notification"; }

        public JsonObject toJson() {
            return typed(type()).add("block_document_id", blockDocumentId.toString()).add("subject", subject)
                    .add("body", body).build();
        }
    }

    /** Calls a webhook block; {@code payload} (default empty) is a template. */
    record CallWebhook(UUID blockDocumentId, String payload) implements Action {
        public CallWebhook {
            Objects.requireNonNull(blockDocumentId, "blockDocumentId");
            Objects.requireNonNull(payload, "payload");
        }

        public String type() { return "call-webhook"; }

        public JsonObject toJson() {
            return typed(type()).add("block_document_id", blockDocumentId.toString()).add("payload", payload).build();
        }
    }

    /** Pauses (disables) an automation. */
    record PauseAutomation(Source source, UUID automationId) implements Targeted {
        public PauseAutomation { requireTarget(source, automationId); }

        public String type() { return "pause-automation"; }
        public UUID targetId() { return automationId; }
        public String targetKind() { return "prefect.automation"; }
        public String idField() { return "automation_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Resumes (enables) an automation. */
    record ResumeAutomation(Source source, UUID automationId) implements Targeted {
        public ResumeAutomation { requireTarget(source, automationId); }

        public String type() { return "resume-automation"; }
        public UUID targetId() { return automationId; }
        public String targetKind() { return "prefect.automation"; }
        public String idField() { return "automation_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Pauses a work pool. */
    record PauseWorkPool(Source source, UUID workPoolId) implements Targeted {
        public PauseWorkPool { requireTarget(source, workPoolId); }

        public String type() { return "pause-work-pool"; }
        public UUID targetId() { return workPoolId; }
        public String targetKind() { return "prefect.work-pool"; }
        public String idField() { return "work_pool_id"; }
        public JsonObject toJson() { return targeted(this); }
    }

    /** Resumes a work pool. */
    record ResumeWorkPool(Source source, UUID workPoolId) implements Targeted {
        public ResumeWorkPool { requireTarget(source, workPoolId); }

        public String type() { return "resume-work-pool"; }
        public UUID targetId() { return workPoolId; }
        public String targetKind() { return "prefect.work-pool"; }
        public String idField() { return "work_pool_id"; }
        public JsonObject toJson() { return targeted(this); }
    }
}
