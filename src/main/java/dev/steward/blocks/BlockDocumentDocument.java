package dev.steward.blocks;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Prefect's BlockDocument (a configured block): what a create or update may send, its JSON and its lifecycle event
 * payload. The data written here is already opened or masked ({@link BlockDocuments} decides which).
 */
public final class BlockDocumentDocument {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9-]*$");
    private static final Pattern BANNED = Pattern.compile("[/%&><]");

    private BlockDocumentDocument() {}

    /** Prefect's BlockDocumentCreate. */
    public record Create(String name, JsonObject data, UUID blockSchemaId, UUID blockTypeId, boolean anonymous) {}

    /** Prefect's BlockDocumentUpdate: data (null: leave it), a new schema of the same type, merge or replace. */
    public record Update(JsonObject data, UUID blockSchemaId, boolean mergeExistingData) {}

    public static Create readCreate(Body body) {
        body.rejectUnknown(List.of("name", "data", "block_schema_id", "block_type_id", "is_anonymous"));
        boolean anonymous = body.optionalBoolean("is_anonymous").orElse(false);
        String name = body.optionalString("name").orElse(null);
        if (name != null && !name.isEmpty()) checkName(name);
        if (!anonymous && (name == null || name.isEmpty())) {
            throw InvalidInput.field("", "Value error, Names must be provided for block documents.");
        }
        return new Create(name == null || name.isEmpty() ? null : name, data(body),
                body.requiredUuid("block_schema_id"), body.requiredUuid("block_type_id"), anonymous);
    }

    public static Update readUpdate(Body body) {
        body.rejectUnknown(List.of("block_schema_id", "data", "merge_existing_data"));
        boolean merge = body.optionalBoolean("merge_existing_data").orElse(true);
        // with merge (the default) a body without data leaves the data alone; without merge it empties it
        JsonObject data = body.has("data") ? data(body) : merge ? null : JsonValue.EMPTY_JSON_OBJECT;
        return new Update(data, body.optionalUuid("block_schema_id").orElse(null), merge);
    }

    private static JsonObject data(Body body) {
        JsonValue data = body.raw("data");
        if (data == JsonValue.NULL) return JsonValue.EMPTY_JSON_OBJECT;
        if (!(data instanceof JsonObject o)) throw InvalidInput.field("data", "Input should be a valid dictionary");
        return o;
    }

    private static void checkName(String name) {
        if (BANNED.matcher(name).find()) {
            throw InvalidInput.field("name", "String should match pattern '^[^/%&><]+$'");
        }
        if (!NAME.matcher(name).matches()) {
            throw InvalidInput.field("name",
                    "Value error, Block document name must only contain lowercase letters, numbers, and dashes.");
        }
    }

    /** A reference field's target: {@code {"$ref": {"block_document_id": "..."}}} at the top of the data. */
    static UUID referenceTarget(String key, JsonObject ref) {
        if (!(ref.get("$ref") instanceof JsonObject target) || !target.containsKey("block_document_id")
                || target.isNull("block_document_id")) {
            throw new dev.steward.platform.Problem.Rejected(
                    "Received block reference without a block_document_id in key " + key);
        }
        String text = target.get("block_document_id") instanceof JsonString id ? id.getString() : "";
        return UuidParameters.parse(text).orElseThrow(() ->
                InvalidInput.field("data." + key + ".$ref.block_document_id", "Input should be a valid UUID"));
    }

    static boolean isReference(JsonValue value) {
        return value instanceof JsonObject o && o.containsKey("$ref");
    }

    /** The document as Prefect answers it. */
    static JsonObject write(BlockDocument d, JsonObject data, JsonObject references, JsonObject schema,
                            JsonObject type) {
        return Json.createObjectBuilder()
                .add("id", d.getId().toString())
                .add("created", d.getCreated().toString())
                .add("updated", d.getUpdated().toString())
                .add("name", d.getName())
                .add("data", data)
                .add("block_schema_id", d.getBlockSchemaId().toString())
                .add("block_schema", schema)
                .add("block_type_id", d.getBlockTypeId().toString())
                .add("block_type_name", d.getBlockTypeName())
                .add("block_type", type)
                .add("block_document_references", references)
                .add("is_anonymous", d.isAnonymous())
                .build();
    }

    /**
     * Prefect's BlockDocumentEventPayload: the name, the data's top-level string values that are not secret fields,
     * and the schema's capabilities and block type. {@code maskedData} never holds a secret.
     */
    static JsonObject eventPayload(BlockDocument d, JsonObject maskedData, BlockSchema schema, Set<String> secretPaths) {
        JsonObjectBuilder data = Json.createObjectBuilder();
        maskedData.forEach((key, value) -> {
            if (!secretPaths.contains(key) && value instanceof JsonString s && !s.getString().equals(SecretFields.MASK)) {
                data.add(key, value);
            }
        });
        return Json.createObjectBuilder()
                .add("name", d.getName())
                .add("data", data)
                .add("block_schema", Json.createObjectBuilder()
                        .add("capabilities", Json.strings(schema.getCapabilities()))
                        .add("block_type", Json.createObjectBuilder()
                                .add("id", d.getBlockTypeId().toString())
                                .add("name", d.getBlockTypeName())))
                .build();
    }

    /** Prefect's related resources of a block document's event: its block type and schema. */
    static jakarta.json.JsonArray eventRelated(BlockDocument d) {
        return Json.createArrayBuilder()
                .add(Json.createObjectBuilder()
                        .add("prefect.resource.id", "prefect.block-type." + d.getBlockTypeId())
                        .add("prefect.resource.role", "block-type")
                        .add("prefect.resource.name", d.getBlockTypeName()))
                .add(Json.createObjectBuilder()
                        .add("prefect.resource.id", "prefect.block-schema." + d.getBlockSchemaId())
                        .add("prefect.resource.role", "block-schema"))
                .build();
    }
}
