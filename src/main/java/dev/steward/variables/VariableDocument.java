package dev.steward.variables;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Prefect's Variable document: its fields, what a create or an update body may say (and the defaults of what it
 * leaves out), and its JSON. The rules of a name and a value are {@link VariableRules}', which the service applies.
 */
public final class VariableDocument {
    /** The fields a create or an update may send. */
    static final List<String> FIELDS = List.of("name", "value", "tags");

    private VariableDocument() {}

    /** Prefect's VariableCreate: name and value required (a JSON null is a value), tags none by default. */
    record Create(String name, JsonValue value, List<String> tags) {}

    static Create readCreate(Body body) {
        body.rejectUnknown(FIELDS);
        String name = body.requiredString("name");
        if (!body.has("value")) throw InvalidInput.missing("value");
        return new Create(name, body.raw("value"), body.optionalStrings("tags").orElse(List.of()));
    }

    /** Prefect's VariableUpdate: a field left out stays as it is. */
    static VariableService.Update readUpdate(Body body) {
        body.rejectUnknown(FIELDS);
        return new VariableService.Update(
                body.optionalString("name").orElse(null),
                body.has("value") ? body.raw("value") : null,
                body.optionalStrings("tags").orElse(null));
    }

    /** Prefect's Variable object. */
    public static JsonObject write(Variable v) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", v.getId().toString())
                .add("created", v.getCreated().toString())
                .add("updated", v.getUpdated().toString());
        eventPayload(v).forEach(b::add);
        return b.build();
    }

    /** What Prefect's lifecycle events carry for a variable: name, value and tags. */
    static JsonObject eventPayload(Variable v) {
        return Json.createObjectBuilder()
                .add("name", v.getName())
                .add("value", Json.parse(v.getValue()))
                .add("tags", Json.strings(v.getTags()))
                .build();
    }
}
