package dev.steward.console.blocks;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/** The schema a form edits: its id (sent with a create) and its fields. */
record SchemaChoice(UUID id, List<BlockField> fields) implements Serializable {}
