package dev.steward.console.automations;

import dev.steward.automations.Action;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * An action as the editor's form holds it: its type and the fields the form shows for that type (the rest are null).
 * The form says every action but a run-deployment with job variables or a delay, which {@link #recognize} leaves to
 * the JSON editor.
 *
 * @param source  "selected" or "inferred", for the actions on one object
 * @param target  the selected deployment, work pool, work queue or automation
 * @param parameters a run-deployment's parameters (null: the deployment's own)
 * @param block   the notification or webhook block
 * @param text    a notification's body, a webhook's payload
 */
record ActionChoice(String type, String source, UUID target, JsonObject parameters, String state, String name,
                    String message, boolean force, UUID block, String subject, String text) implements Serializable {

    /** How the form names each of Prefect's action types. */
    static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("do-nothing", "Do nothing"),
            Map.entry("run-deployment", "Run a deployment"),
            Map.entry("pause-deployment", "Pause a deployment"),
            Map.entry("resume-deployment", "Resume a deployment"),
            Map.entry("cancel-flow-run", "Cancel the flow run"),
            Map.entry("delete-flow-run", "Delete the flow run"),
            Map.entry("change-flow-run-state", "Change the flow run's state"),
            Map.entry("pause-work-queue", "Pause a work queue"),
            Map.entry("resume-work-queue", "Resume a work queue"),
            Map.entry("send-notification", "Send a notification"),
            Map.entry("call-webhook", "Call a webhook"),
            Map.entry("pause-automation", "Pause an automation"),
            Map.entry("resume-automation", "Resume an automation"),
            Map.entry("suspend-flow-run", "Suspend the flow run"),
            Map.entry("resume-flow-run", "Resume the flow run"),
            Map.entry("pause-work-pool", "Pause a work pool"),
            Map.entry("resume-work-pool", "Resume a work pool"));

    /** What a type's target is, as the pickers know it; null for a type without one. */
    static Picks.Kind targetKind(String type) {
        if (type.endsWith("-deployment")) return Picks.Kind.DEPLOYMENT;
        if (type.endsWith("-work-queue")) return Picks.Kind.WORK_QUEUE;
        if (type.endsWith("-work-pool")) return Picks.Kind.WORK_POOL;
        if (type.endsWith("-automation")) return Picks.Kind.AUTOMATION;
        return null;
    }

    static ActionChoice of(String type) {
        return new ActionChoice(type, "selected", null, null, "CANCELLED", null, null, false, null,
                Action.SendNotification.DEFAULT_SUBJECT, "");
    }

    static String label(String type) {
        return LABELS.getOrDefault(type, type);
    }

    /** Prefect's action JSON (the fields the form does not show take their defaults). */
    JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("type", type);
        Picks.Kind kind = targetKind(type);
        if (kind != null) {
            b.add("source", source).add(kind.idField(), "selected".equals(source) && target != null
                    ? Json.createValue(target.toString()) : JsonValue.NULL);
        }
        switch (type) {
            case "run-deployment" -> b.add("parameters", parameters == null ? JsonValue.NULL : parameters);
            case "change-flow-run-state" -> b.add("state", state).add("name", orNull(name))
                    .add("message", orNull(message)).add("force", force);
            case "send-notification" -> b.add("block_document_id", orNull(block)).add("subject", subject)
                    .add("body", text);
            case "call-webhook" -> b.add("block_document_id", orNull(block)).add("payload", text);
            default -> { }
        }
        return b.build();
    }

    /** The form's action for an action as {@link Action#toJson} writes it, when the form can say it exactly. */
    static Optional<ActionChoice> recognize(JsonObject action) {
        String type = action.getString("type");
        Picks.Kind kind = targetKind(type);
        String source = kind == null ? "selected" : action.getString("source");
        UUID target = kind == null || action.isNull(kind.idField()) ? null
                : UUID.fromString(action.getString(kind.idField()));
        ActionChoice choice = switch (type) {
            case "run-deployment" -> new ActionChoice(type, source, target,
                    action.isNull("parameters") ? null : action.getJsonObject("parameters"), null, null, null, false,
                    null, null, null);
            case "change-flow-run-state" -> new ActionChoice(type, source, null, null, action.getString("state"),
                    string(action, "name"), string(action, "message"), action.getBoolean("force"), null, null, null);
            case "send-notification" -> new ActionChoice(type, source, null, null, null, null, null, false,
                    UUID.fromString(action.getString("block_document_id")), action.getString("subject"),
                    action.getString("body"));
            case "call-webhook" -> new ActionChoice(type, source, null, null, null, null, null, false,
                    UUID.fromString(action.getString("block_document_id")), null, action.getString("payload"));
            default -> new ActionChoice(type, source, target, null, null, null, null, false, null, null, null);
        };
        return Action.read(choice.toJson(), "action").toJson().equals(action) ? Optional.of(choice) : Optional.empty();
    }

    /** "Run a deployment, Send a notification". */
    static String describe(List<JsonObject> actions) {
        if (actions.isEmpty()) return "No actions";
        return String.join(", ", actions.stream().map(a -> label(a.getString("type", ""))).toList());
    }

    private static JsonValue orNull(Object value) {
        return value == null ? JsonValue.NULL : Json.createValue(value.toString());
    }

    private static String string(JsonObject o, String key) {
        return o.isNull(key) ? null : o.getString(key);
    }
}
