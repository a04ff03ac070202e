package dev.steward.console.automations;

import dev.steward.automations.Action;
import dev.steward.automations.AutomationDocument;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An automation as the editor's form holds it, and the JSON both of the editor's tabs stand for: the body of a create
 * or a replace (name, description, enabled, tags, trigger, actions, actions_on_trigger, actions_on_resolve), without
 * the trigger's ids, which a save draws anew anyway.
 */
record AutomationDraft(String name, String description, boolean enabled, List<String> tags, TriggerChoice trigger,
                       List<ActionChoice> actions) {
    AutomationDraft {
        tags = List.copyOf(tags);
        actions = List.copyOf(actions);
    }

    /** A new automation: a flow run that fails or crashes, and no action yet. */
    static AutomationDraft blank() {
        return new AutomationDraft("", "", true, List.of(),
                new TriggerChoice.FlowRunState(List.of("Failed", "Crashed"), List.of(), null), List.of());
    }

    JsonObject toJson() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        actions.forEach(a -> list.add(a.toJson()));
        return Json.createObjectBuilder()
                .add("name", name)
                .add("description", description)
                .add("enabled", enabled)
                .add("tags", Json.createArrayBuilder(tags))
                .add("trigger", trigger.toJson())
                .add("actions", list)
                .add("actions_on_trigger", JsonValue.EMPTY_JSON_ARRAY)
                .add("actions_on_resolve", JsonValue.EMPTY_JSON_ARRAY)
                .build();
    }

    /** The form's draft of a body as {@link #canonical} writes it, when the form can say all of it. */
    static Optional<AutomationDraft> recognize(JsonObject body) {
        if (!body.getJsonArray("actions_on_trigger").isEmpty() || !body.getJsonArray("actions_on_resolve").isEmpty()) {
            return Optional.empty();
        }
        Optional<TriggerChoice> trigger = TriggerChoice.recognize(body.getJsonObject("trigger"));
        if (trigger.isEmpty()) return Optional.empty();
        List<ActionChoice> actions = new ArrayList<>();
        for (JsonObject action : body.getJsonArray("actions").getValuesAs(JsonObject.class)) {
            Optional<ActionChoice> choice = ActionChoice.recognize(action);
            if (choice.isEmpty()) return Optional.empty();
            actions.add(choice.get());
        }
        return Optional.of(new AutomationDraft(body.getString("name"), body.getString("description"),
                body.getBoolean("enabled"), body.getJsonArray("tags").getValuesAs(JsonString.class)
                .stream().map(JsonString::getString).toList(), trigger.get(), actions));
    }

    /**
     * The body read as the REST API reads a replace (its 422 when it is not valid), written back whole, without the
     * trigger's ids: what it means, in one form.
     */
    static JsonObject canonical(JsonObject body) {
        AutomationDocument.Definition d = AutomationDocument.readUpdate(Body.of(body));
        return Json.createObjectBuilder()
                .add("name", d.name())
                .add("description", d.description())
                .add("enabled", d.enabled())
                .add("tags", Json.createArrayBuilder(d.tags()))
                .add("trigger", withoutIds(d.trigger().toJson()))
                .add("actions", Action.toJson(d.actions()))
                .add("actions_on_trigger", Action.toJson(d.actionsOnTrigger()))
                .add("actions_on_resolve", Action.toJson(d.actionsOnResolve()))
                .build();
    }

    /** The body of a stored automation (Prefect's Automation object), as the JSON tab shows it. */
    static JsonObject bodyOf(JsonObject automation) {
        var b = Json.createObjectBuilder();
        for (String field : List.of("name", "description", "enabled", "tags", "trigger", "actions",
                "actions_on_trigger", "actions_on_resolve")) {
            b.add(field, field.equals("trigger") ? withoutIds(automation.getJsonObject(field)) : automation.get(field));
        }
        return b.build();
    }

    /** A trigger without its id and its children's. */
    private static JsonObject withoutIds(JsonObject trigger) {
        var b = Json.createObjectBuilder(trigger).remove("id");
        if (trigger.get("triggers") instanceof JsonArray children) {
            JsonArrayBuilder list = Json.createArrayBuilder();
            children.getValuesAs(JsonObject.class).forEach(c -> list.add(withoutIds(c)));
            b.add("triggers", list);
        }
        return b.build();
    }
}
