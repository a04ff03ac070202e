package dev.steward.automations;

import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One of Prefect 3.9's automation actions (server/events/actions.py): its {@code type} and its fields, read with
 * Prefect's defaults and validation and written back with every field, as Prefect's server answers. The fields stay
 * JSON: {@link ActionExecutor} reads what each type needs when it runs.
 */
public record Action(String type, JsonObject fields) {
    private static final List<String> STATE_TYPES = List.of("SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED",
            "CANCELLED", "CRASHED", "PAUSED", "CANCELLING");

    /** Each type's fields and their defaults (null: required, {@link JsonValue#NULL}: null unless given). */
    private static final Map<String, Map<String, JsonValue>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("do-nothing", Map.of());
        TYPES.put("run-deployment", ordered("source", Json.createValue("selected"), "deployment_id", JsonValue.NULL,
                "parameters", JsonValue.NULL, "job_variables", JsonValue.NULL, "schedule_after", Json.createValue(0.0)));
        for (String verb : List.of("pause", "resume")) {
            TYPES.put(verb + "-deployment", ordered("source", Json.createValue("selected"), "deployment_id", JsonValue.NULL));
            TYPES.put(verb + "-work-pool", ordered("source", Json.createValue("selected"), "work_pool_id", JsonValue.NULL));
            TYPES.put(verb + "-work-queue", ordered("source", Json.createValue("selected"), "work_queue_id", JsonValue.NULL));
            TYPES.put(verb + "-automation", ordered("source", Json.createValue("selected"), "automation_id", JsonValue.NULL));
        }
        TYPES.put("cancel-flow-run", Map.of());
        TYPES.put("suspend-flow-run", Map.of());
        TYPES.put("resume-flow-run", Map.of());
        TYPES.put("delete-flow-run", Map.of());
        TYPES.put("change-flow-run-state", ordered("name", JsonValue.NULL, "state", null, "message", JsonValue.NULL,
                "force", JsonValue.FALSE));
        TYPES.put("call-webhook", ordered("block_document_id", null, "payload", Json.createValue("")));
        TYPES.put("send-notification", ordered("block_document_id", null,
                "subject", Json.createValue("Prefect automated notification"), "body", null));
    }

    private static Map<String, JsonValue> ordered(Object... pairs) {
        Map<String, JsonValue> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (JsonValue) pairs[i + 1]);
        return m;
    }

    public static List<Action> readList(JsonValue json, String location) {
        if (!(json instanceof JsonArray array)) throw InvalidInput.field(location, "Input should be a valid list");
        List<Action> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) out.add(read(array.get(i), location + "." + i));
        return out;
    }

    public static Action read(JsonValue json, String location) {
        if (!(json instanceof JsonObject o)) throw InvalidInput.field(location, "Input should be a valid dictionary");
        if (!(o.get("type") instanceof JsonString t) || !TYPES.containsKey(t.getString())) {
            throw InvalidInput.field(location + ".type", "Input tag '" + (o.get("type") instanceof JsonString s
                    ? s.getString() : o.get("type")) + "' found using 'type' does not match any of the expected tags: "
                    + String.join(", ", TYPES.keySet().stream().map(k -> "'" + k + "'").toList()));
        }
        String type = t.getString();
        Map<String, JsonValue> spec = TYPES.get(type);
        JsonObjectBuilder fields = Json.createObjectBuilder();
        for (Map.Entry<String, JsonValue> field : spec.entrySet()) {
            JsonValue given = o.get(field.getKey());
            if (given == null) {
                if (field.getValue() == null) throw InvalidInput.field(location + "." + field.getKey(), "Field required");
                fields.add(field.getKey(), field.getValue());
            } else {
                fields.add(field.getKey(), check(type, field.getKey(), given, location + "." + field.getKey()));
            }
        }
        JsonObject read = fields.build();
        checkSource(type, read, location);
        return new Action(type, read);
    }

    private static JsonValue check(String type, String field, JsonValue v, String at) {
        switch (field) {
            case "source" -> {
                if (!(v instanceof JsonString s) || !List.of("selected", "inferred").contains(s.getString())) {
                    throw InvalidInput.field(at, "Input should be 'selected' or 'inferred'");
                }
            }
            case "deployment_id", "work_pool_id", "work_queue_id", "automation_id", "block_document_id" -> {
                if (v == JsonValue.NULL && !field.equals("block_document_id")) return v;
                if (!(v instanceof JsonString s) || !isUuid(s.getString())) {
                    throw InvalidInput.field(at, "Input should be a valid UUID");
                }
            }
            case "parameters", "job_variables" -> {
                if (v != JsonValue.NULL && !(v instanceof JsonObject)) {
                    throw InvalidInput.field(at, "Input should be a valid dictionary");
                }
            }
            case "schedule_after" -> {
                if (!(v instanceof JsonNumber n) || n.doubleValue() < 0) {
                    throw InvalidInput.field(at, "Input should be greater than or equal to 0 seconds");
                }
            }
            case "state" -> {
                if (!(v instanceof JsonString s) || !STATE_TYPES.contains(s.getString())) {
                    throw InvalidInput.field(at, "Input should be one of " + STATE_TYPES);
                }
            }
            case "force" -> {
                if (v != JsonValue.TRUE && v != JsonValue.FALSE) throw InvalidInput.field(at, "Input should be a valid boolean");
            }
            case "payload" -> {
                // Prefect takes a dictionary too and keeps it as its JSON text
                if (v instanceof JsonObject o) return Json.createValue(o.toString());
                if (!(v instanceof JsonString)) throw InvalidInput.field(at, "Input should be a valid string");
            }
            default -> {
                if (v != JsonValue.NULL && !(v instanceof JsonString)) {
                    throw InvalidInput.field(at, "Input should be a valid string");
                }
            }
        }
        return v;
    }

    /** Prefect's source rules: a selected target needs its id, an inferred one must not have it. */
    private static void checkSource(String type, JsonObject fields, String location) {
        if (!fields.containsKey("source")) return;
        String idField = fields.keySet().stream().filter(k -> k.endsWith("_id")).findFirst().orElseThrow();
        boolean selected = fields.getString("source").equals("selected");
        boolean hasId = fields.get(idField) != JsonValue.NULL;
        if (selected && !hasId) throw InvalidInput.field(location, "Value error, " + idField + " is required");
        if (!selected && hasId) throw InvalidInput.field(location, "Value error, " + idField + " is not allowed");
    }

    private static boolean isUuid(String s) {
        try {
            UUID.fromString(s);
            return s.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Prefect's wire form: the type and every field. */
    public JsonObject toJson() {
        return Json.createObjectBuilder().add("type", type).addAll(Json.createObjectBuilder(fields)).build();
    }

    public static JsonArray toJson(List<Action> actions) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        actions.forEach(a -> out.add(a.toJson()));
        return out.build();
    }

    /** The deployments that run-deployment actions select (Prefect relates the automation to each). */
    public static Set<UUID> selectedDeploymentIds(List<Action> actions) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (Action a : actions) {
            if (a.type.equals("run-deployment") && a.fields.getString("source").equals("selected")) {
                ids.add(UUID.fromString(a.fields.getString("deployment_id")));
            }
        }
        return ids;
    }
}
