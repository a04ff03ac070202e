package dev.steward.console.run;

import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Describes the result a state's {@code data} points at, as Prefect 3.9's client writes it: either a
 * ResultRecordMetadata ({@code storage_key}, {@code storage_block_id}, {@code serializer}, {@code expiration},
 * {@code prefect_version}) whose value lives in result storage, or a value kept inline in the state. A value is
 * previewed only when the server can read it: persisted with the JSON serializer, without a storage block, on the
 * local file system under {@code steward.results.local-storage} (e.g. the client's default, {@code ~/.prefect/storage},
 * when clients run on the server's machine). A task's stored record is Prefect's JSON
 * ({@code {"metadata": …, "result": "<serialized>"}}); a flow's result file holds the serialized value alone (what
 * Prefect 3.9.1 wrote in the browser test).
 *
 * <p>Off unless that folder is set: any run of any workspace may name any file under it, so a server shared by
 * tenants must not read one folder for all of them. The dev and test stacks, whose client runs on the same machine,
 * set it.
 */
@ApplicationScoped
public class ResultPreviews {
    /** The most of a stored record the server reads, and the most of a value shown. */
    static final int MAX_FILE_BYTES = 64 * 1024;
    static final int MAX_PREVIEW_CHARS = 2_000;

    @Inject
    @ConfigProperty(name = "steward.results.local-storage")
    Optional<String> localStorage;

    /** One result as the console shows it. */
    public record Described(String type, String storage, String preview) {}

    public Described describe(String dataJson) {
        JsonValue data = Json.parse(dataJson);
        if (!(data instanceof JsonObject record) || !record.containsKey("storage_key") && !record.containsKey("serializer")) {
            String value = data.toString();
            return new Described(jsonType(data) + " (inline)", "in state data", shorten(value));
        }
        String serializer = record.get("serializer") instanceof JsonObject s ? s.getString("type", "?") : "?";
        String key = record.get("storage_key") instanceof JsonString k ? k.getString() : null;
        String block = record.get("storage_block_id") instanceof JsonString b ? b.getString() : null;
        String storage = (block != null ? "storage block " + block + ", key " : "") + (key == null ? "(no key)" : key);
        if (block != null || key == null) {
            return new Described(serializer, storage, "Not readable by the server: kept in a storage block");
        }
        if (!"json".equals(serializer)) {
            return new Described(serializer, storage, "Not previewed: serialized with " + serializer);
        }
        Optional<JsonValue> value = readLocal(key);
        return value.map(v -> new Described(jsonType(v) + " (json)", storage, shorten(v.toString())))
                .orElseGet(() -> new Described("json", storage, "Not readable by the server"));
    }

    /** The stored value, when the key names a readable, small record file under the allowed folder. */
    private Optional<JsonValue> readLocal(String key) {
        String root = localStorage.orElse("");
        if (root.isBlank()) return Optional.empty();
        try {
            Path base = Path.of(root).toRealPath();
            Path file = base.resolve(key).toRealPath();
            if (!file.startsWith(base) || !Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(file)) {
                JsonValue stored = Json.parse(new String(in.readNBytes(MAX_FILE_BYTES), StandardCharsets.UTF_8));
                // a task's record wraps the serialized value; a flow's result file is the serialized value alone
                return Optional.of(stored instanceof JsonObject record && record.containsKey("metadata")
                        && record.get("result") instanceof JsonString serialized
                        ? Json.parse(serialized.getString()) : stored);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // missing, unreadable or not a JSON record: the page says so
        }
    }

    private static String jsonType(JsonValue v) {
        return switch (v.getValueType()) {
            case ARRAY -> "list";
            case OBJECT -> "dict";
            case STRING -> "str";
            case NUMBER -> ((jakarta.json.JsonNumber) v).isIntegral() ? "int" : "float";
            case TRUE, FALSE -> "bool";
            case NULL -> "None";
        };
    }

    private static String shorten(String text) {
        return text.length() <= MAX_PREVIEW_CHARS ? text : text.substring(0, MAX_PREVIEW_CHARS) + "…";
    }
}
