package dev.steward.console;

import dev.steward.platform.Json;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * How the console writes times and JSON. Times in UTC, the same for every user and instance (column headers say
 * "UTC", so cells stay short); JSON indented.
 */
public final class Formats {
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private static final JsonWriterFactory PRETTY =
            Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private Formats() {}

    /** e.g. 2026-11-21 06:40:37 (UTC); empty for null */
    public static String instant(Instant instant) {
        return instant == null ? "" : SECOND.format(instant);
    }

    /** e.g. 2026-11-21 06:40 (UTC); empty for null */
    public static String minute(Instant instant) {
        return instant == null ? "" : MINUTE.format(instant);
    }

    /** JSON indented, one member a line, without a leading or trailing line break. */
    public static String json(JsonValue value) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = PRETTY.createWriter(out)) {
            writer.write(value);
        }
        return out.toString().strip();
    }
}
