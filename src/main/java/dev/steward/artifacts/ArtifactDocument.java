package dev.steward.artifacts;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Prefect's Artifact document: what an ArtifactCreate or ArtifactUpdate body may say and how it is read (unknown
 * fields refused, as Prefect's action schemas refuse them), and the Artifact JSON every route answers.
 */
public final class ArtifactDocument {
    static final List<String> CREATE_FIELDS = List.of("key", "type", "description", "data", "metadata_", "flow_run_id",
            "task_run_id");
    static final List<String> UPDATE_FIELDS = List.of("data", "description", "metadata_");
    /** Prefect's ArtifactKey: lowercase letters, numbers and dashes (an empty key passes, as in Prefect). */
    private static final Pattern KEY = Pattern.compile("^[a-z0-9-]*$");
    /** Prefect cuts a metadata value longer than this and appends "..." rather than refusing it. */
    static final int MAX_METADATA_VALUE = 500;

    private ArtifactDocument() {}

    /** Prefect's ArtifactCreate, read: data and metadata as compact JSON text (null for none). */
    record Create(String key, String type, String description, String data, String metadata, UUID flowRunId,
                  UUID taskRunId) {}

    /**
     * Prefect's ArtifactUpdate: only the fields the body names change, and a null among them clears the field
     * (Prefect applies what was set, {@code exclude_unset}).
     */
    record Update(boolean setsData, String data, boolean setsDescription, String description, boolean setsMetadata,
                  String metadata) {}

    static Create readCreate(Body body) {
        body.rejectUnknown(CREATE_FIELDS);
        String key = body.optionalString("key").orElse(null);
        if (key != null && !KEY.matcher(key).matches()) {
            throw InvalidInput.field("key", "Value error, Artifact key must only contain lowercase letters, numbers, and dashes.");
        }
        return new Create(key, body.optionalString("type").orElse(null), body.optionalString("description").orElse(null),
                data(body), metadata(body), body.optionalUuid("flow_run_id").orElse(null),
                body.optionalUuid("task_run_id").orElse(null));
    }

    static Update readUpdate(Body body) {
        body.rejectUnknown(UPDATE_FIELDS);
        return new Update(body.has("data"), data(body), body.has("description"),
                body.optionalString("description").orElse(null), body.has("metadata_"), metadata(body));
    }

    private static String data(Body body) {
        JsonValue data = body.raw("data");
        return data == JsonValue.NULL ? null : data.toString();
    }

    /** Prefect's metadata_: string keys and string values, a value over 500 characters cut to 500 and "...". */
    private static String metadata(Body body) {
        if (!body.has("metadata_") || body.isExplicitNull("metadata_")) return null;
        JsonObjectBuilder out = Json.createObjectBuilder();
        for (var entry : body.object("metadata_").json().entrySet()) {
            if (!(entry.getValue() instanceof JsonString s)) {
                throw InvalidInput.at(List.of("body", "metadata_", entry.getKey()), "Input should be a valid string",
                        "string_type");
            }
            out.add(entry.getKey(), cut(s.getString()));
        }
        return out.build().toString();
    }

    /** Python counts characters (code points), not UTF-16 units. */
    private static String cut(String value) {
        if (value.codePointCount(0, value.length()) <= MAX_METADATA_VALUE) return value;
        return value.substring(0, value.offsetByCodePoints(0, MAX_METADATA_VALUE)) + "...";
    }

    /** Prefect's Artifact object. */
    public static JsonObject write(Artifact a) {
        return fields(a).build();
    }

    /** The fields Artifact and ArtifactCollection share, from either row. */
    static JsonObjectBuilder fields(ArtifactContent c) {
        return Json.createObjectBuilder()
                .add("id", c.getId().toString())
                .add("created", c.getCreated().toString())
                .add("updated", c.getUpdated().toString())
                .add("key", Json.orNull(c.getKey()))
                .add("type", Json.orNull(c.getType()))
                .add("description", Json.orNull(c.getDescription()))
                .add("data", c.getData() == null ? JsonValue.NULL : Json.parse(c.getData()))
                .add("metadata_", c.getMetadata() == null ? JsonValue.NULL : Json.parse(c.getMetadata()))
                .add("flow_run_id", Json.orNull(c.getFlowRunId()))
                .add("task_run_id", Json.orNull(c.getTaskRunId()));
    }

    /**
     * What the audit trail keeps of a version: its document without {@code data}, which may be a table of megabytes
     * and is the artifact's own content, not a setting whose change needs a witness.
     */
    static JsonObject audited(ArtifactContent c) {
        return Json.createObjectBuilder(fields(c).build()).remove("data").build();
    }
}
