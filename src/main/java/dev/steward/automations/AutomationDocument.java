package dev.steward.automations;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * Prefect's Automation document: what a create (AutomationCreate), a replace (AutomationUpdate) and a patch
 * (AutomationPartialUpdate) may say, with Prefect's defaults and validation, and the document's JSON. Unknown fields
 * are refused, as Prefect's create and update models forbid them.
 */
public final class AutomationDocument {
    static final List<String> DEFINITION_FIELDS = List.of("name", "description", "enabled", "tags", "trigger",
            "actions", "actions_on_trigger", "actions_on_resolve");

    private AutomationDocument() {}

    /** Everything a create or a replace sets. */
    public record Definition(String name, String description, boolean enabled, List<String> tags, Trigger trigger,
                             List<Action> actions, List<Action> actionsOnTrigger, List<Action> actionsOnResolve) {
        /** This definition, enabled or not. */
        Definition withEnabled(boolean enabled) {
            return new Definition(name, description, enabled, tags, trigger, actions, actionsOnTrigger,
                    actionsOnResolve);
        }
    }

    /** A create: the definition and the resource that owns the automation, if any (e.g. a deployment). */
    public record Create(Definition definition, String ownerResource) {}

    public static Create readCreate(Body body) {
        body.rejectUnknown(concat(DEFINITION_FIELDS, "owner_resource"));
        return new Create(readDefinition(body), body.optionalString("owner_resource").orElse(null));
    }

    /** A PUT replaces the whole definition; the trigger's ids are new, as Prefect resets them. */
    public static Definition readUpdate(Body body) {
        body.rejectUnknown(DEFINITION_FIELDS);
        return readDefinition(body);
    }

    /** A PATCH sets {@code enabled} only, and true when it is left out (Prefect's AutomationPartialUpdate). */
    public static boolean readPatch(Body body) {
        body.rejectUnknown(List.of("enabled"));
        return body.optionalBoolean("enabled").orElse(true);
    }

    static Definition readDefinition(Body body) {
        String name = body.requiredString("name");
        if (!body.has("trigger")) throw InvalidInput.missing("trigger");
        if (!body.has("actions")) throw InvalidInput.missing("actions");
        Definition d = new Definition(name,
                body.optionalString("description").orElse(""),
                body.optionalBoolean("enabled").orElse(true),
                body.optionalStrings("tags").orElse(List.of()),
                Trigger.read(body.raw("trigger"), "trigger").withNewIds(),
                Action.readList(body.raw("actions"), "actions"),
                body.has("actions_on_trigger")
                        ? Action.readList(body.raw("actions_on_trigger"), "actions_on_trigger") : List.of(),
                body.has("actions_on_resolve")
                        ? Action.readList(body.raw("actions_on_resolve"), "actions_on_resolve") : List.of());
        RunDeploymentLoops.refuse(d);
        return d;
    }

    /** Prefect's Automation object; also the payload of its lifecycle events. */
    public static JsonObject write(Automation a) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", a.getId().toString())
                .add("created", a.getCreated().toString())
                .add("updated", a.getUpdated().toString())
                .add("name", a.getName())
                .add("description", a.getDescription())
                .add("enabled", a.isEnabled())
                .add("tags", Json.strings(a.getTags()))
                .add("trigger", Json.parse(a.getTrigger()))
                .add("actions", Json.parse(a.getActions()))
                .add("actions_on_trigger", Json.parse(a.getActionsOnTrigger()))
                .add("actions_on_resolve", Json.parse(a.getActionsOnResolve()));
        return b.build();
    }

    /** The automation's definition read back from what is stored (validated when it was written). */
    static Definition definition(Automation a) {
        return new Definition(a.getName(), a.getDescription(), a.isEnabled(), a.getTags(),
                Trigger.read(Json.parse(a.getTrigger()), "trigger"),
                Action.readList(Json.parse(a.getActions()), "actions"),
                Action.readList(Json.parse(a.getActionsOnTrigger()), "actions_on_trigger"),
                Action.readList(Json.parse(a.getActionsOnResolve()), "actions_on_resolve"));
    }

    private static List<String> concat(List<String> a, String b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList();
    }
}
