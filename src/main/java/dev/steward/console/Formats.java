package dev.steward.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the console writes times: in UTC, the same for every user and instance (column headers say "UTC", so cells
 * stay short).
 */
public final class Formats {
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Formats() {}

    /** e.g. 2026-11-21 06:40:37 (UTC); empty for null */
    public static String instant(Instant instant) {
        return instant == null ? "" : SECOND.format(instant);
    }

    /** e.g. 2026-11-21 06:40 (UTC); empty for null */
    public static String minute(Instant instant) {
        return instant == null ? "" : MINUTE.format(instant);
    }
}
