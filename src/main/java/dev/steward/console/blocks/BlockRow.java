package dev.steward.console.blocks;

import jakarta.json.JsonObject;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** A block document as the grid and the pickers show it (no data: a row never holds a value, masked or not). */
record BlockRow(UUID id, String name, String typeName, Instant updated) implements Serializable {

    /** From Prefect's block document JSON. */
    static BlockRow of(JsonObject document) {
        return new BlockRow(UUID.fromString(document.getString("id")), document.getString("name"),
                document.getString("block_type_name"), Instant.parse(document.getString("updated")));
    }
}
