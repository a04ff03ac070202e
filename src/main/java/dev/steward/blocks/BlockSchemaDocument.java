package dev.steward.blocks;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.UUID;

/** Prefect's BlockSchema document: what a create may send, and its JSON with its block type. */
public final class BlockSchemaDocument {
    /** Prefect's version of a schema created without one. */
    static final String DEFAULT_VERSION = "non-versioned";

    private BlockSchemaDocument() {}

    /** Prefect's BlockSchemaCreate. */
    record Create(JsonObject fields, UUID blockTypeId, List<String> capabilities, String version) {}

    static Create readCreate(Body body) {
        body.rejectUnknown(List.of("fields", "block_type_id", "capabilities", "version"));
        JsonValue fields = body.raw("fields");
        if (fields != JsonValue.NULL && !(fields instanceof JsonObject)) {
            throw InvalidInput.field("fields", "Input should be a valid dictionary");
        }
        return new Create(fields instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT,
                body.requiredUuid("block_type_id"),
                body.optionalStrings("capabilities").orElse(List.of()),
                body.optionalString("version").orElse(DEFAULT_VERSION));
    }

    public static JsonObject write(BlockSchema s, BlockType type) {
        return Json.createObjectBuilder()
                .add("id", s.getId().toString())
                .add("created", s.getCreated().toString())
                .add("updated", s.getUpdated().toString())
                .add("checksum", s.getChecksum())
                .add("fields", Json.parseObject(s.getFields()))
                .add("block_type_id", s.getBlockTypeId().toString())
                .add("block_type", BlockTypeDocument.write(type))
                .add("capabilities", Json.strings(s.getCapabilities()))
                .add("version", s.getVersion())
                .build();
    }
}
