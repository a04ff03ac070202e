package dev.steward.console.blocks;

import dev.steward.blocks.BlockType;
import java.io.Serializable;
import java.util.UUID;

/** A block type as the type filter and the create form offer it. */
record BlockTypeChoice(UUID id, String name, String slug) implements Serializable {
    static BlockTypeChoice of(BlockType t) {
        return new BlockTypeChoice(t.getId(), t.getName(), t.getSlug());
    }
}
