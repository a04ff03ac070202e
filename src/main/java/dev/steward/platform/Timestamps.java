package dev.steward.platform;

import com.ethlo.time.ITU;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Date-times as clients write them. The RFC 3339 form that every Prefect client sends is read by ethlo's ITU parser,
 * about ten times faster than java.time's formatters; the events intake reads five per task-run event. Anything else
 * ISO 8601 that java.time reads goes there.
 */
public final class Timestamps {
    private Timestamps() {
    }

    /**
     * An ISO 8601 date-time with an offset.
     *
     * @throws java.time.format.DateTimeParseException when it is not one
     */
    public static Instant parse(String text) {
        try {
            return ITU.parseDateTime(text).toInstant();
        } catch (DateTimeException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }
}
