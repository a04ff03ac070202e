package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trigger's {@code within} as Prefect reads and writes it (a pydantic {@code timedelta}). Read: a number of seconds,
 * or a string in one of the forms pydantic takes: ISO 8601 ({@code PT30S}, {@code P1DT2H}, {@code P1W}, a year as 365
 * days, a month as 30, a fraction on the last quantity), {@code HH:MM[:SS[.ffffff]]}, or days first
 * ({@code 1d}, {@code 2 days, 01:00:00}, which is how Python prints a timedelta). Kept to the microsecond, as Python
 * keeps it. Written: seconds as a JSON float ({@code 10.0}), which is what Prefect's server answers
 * ({@code ser_json_timedelta="float"}), whatever form came in.
 */
final class TimeDeltas {
    /** Python's timedelta.max, in whole days. */
    static final Duration MAX = Duration.ofDays(999_999_999);
    private static final String FORMS = "Input should be a valid timedelta: a number of seconds or an ISO 8601 duration"
            + " such as \"PT30S\"";
    private static final String TOO_LONG =
            "Input should be a valid timedelta, durations may not exceed 999,999,999 days";
    // possessive digits: a long run of digits is never tried again shorter
    private static final Pattern DAYS_TIME = Pattern.compile(
            "(?:(\\d++) ?[dD](?:ays?|AYS?)?,? ?)?((\\d++):(\\d\\d)(?::(\\d\\d)(?:[.,](\\d++))?)?)?");

    private TimeDeltas() {}

    /** A present, non-null value; a negative duration is returned as such (the caller knows whether it may be). */
    static Duration read(JsonValue value, At at) {
        BigDecimal seconds;
        if (value instanceof JsonNumber n) {
            seconds = n.bigDecimalValue();
        } else if (value instanceof JsonString s) {
            seconds = parse(s.getString());
            if (seconds == null) throw at.invalid(FORMS);
        } else {
            throw at.invalid(FORMS);
        }
        // both checks before any rescaling: 1e-999999999 or 1e999999999 would take ages to write out in digits
        if (seconds.precision() - seconds.scale() < -7) return Duration.ZERO; // under 1e-7 s: no microsecond
        if (seconds.abs().compareTo(BigDecimal.valueOf(MAX.getSeconds())) > 0) throw at.invalid(TOO_LONG);
        // Python rounds a float's seconds to the microsecond, half away from zero
        BigDecimal micros = seconds.movePointRight(6).setScale(0, RoundingMode.HALF_UP);
        // split before converting: 999,999,999 days of microseconds overflow a long
        BigDecimal[] wholeAndMicros = micros.divideAndRemainder(BigDecimal.valueOf(1_000_000));
        return Duration.ofSeconds(wholeAndMicros[0].longValueExact(), wholeAndMicros[1].longValueExact() * 1000L);
    }

    /** Seconds as a JSON float, as Python's {@code timedelta.total_seconds()}: 0.0, 10.0, 0.5. */
    static JsonNumber write(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano() / 1000, 6))
                .stripTrailingZeros();
        if (seconds.scale() < 1) seconds = seconds.setScale(1);
        return Json.createValue(seconds);
    }

    /** Seconds (maybe with more than six decimals, rounded by the caller), or null for a string in no known form. */
    private static BigDecimal parse(String text) {
        if (text.isEmpty()) return null;
        int sign = 1;
        String s = text;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            sign = s.charAt(0) == '-' ? -1 : 1;
            s = s.substring(1);
        }
        BigDecimal seconds = s.startsWith("P") ? iso(s.substring(1)) : daysAndTime(s);
        return seconds == null ? null : seconds.multiply(BigDecimal.valueOf(sign));
    }

    /** ISO 8601 after its "P": quantities with units, days before a "T" and seconds after it. */
    private static BigDecimal iso(String s) {
        BigDecimal seconds = BigDecimal.ZERO;
        boolean time = false;
        boolean fractionSeen = false;
        int quantities = 0;
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == 'T') {
                if (time) return null;
                time = true;
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && isDigit(s.charAt(i))) i++;
            if (i == start) return null;
            String number = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                int fraction = ++i;
                while (i < s.length() && isDigit(s.charAt(i))) i++;
                number = number + "." + (i == fraction ? "0" : s.substring(fraction, i));
                if (fractionSeen) return null;
                fractionSeen = true;
            } else if (fractionSeen) {
                return null; // only the last quantity may have a fraction
            }
            if (i >= s.length()) return null;
            long unit = time ? timeUnit(s.charAt(i)) : dateUnit(s.charAt(i));
            if (unit == 0) return null;
            seconds = seconds.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
            quantities++;
            i++;
        }
        return quantities == 0 ? null : seconds;
    }

    private static long dateUnit(char c) {
        return switch (c) {
            case 'Y' -> 365 * 86_400L;
            case 'M' -> 30 * 86_400L;
            case 'W' -> 7 * 86_400L;
            case 'D' -> 86_400L;
            default -> 0;
        };
    }

    private static long timeUnit(char c) {
        return switch (c) {
            case 'H' -> 3600;
            case 'M' -> 60;
            case 'S' -> 1;
            default -> 0;
        };
    }

    /** "1d", "2 days, 01:00:00", "01:30", "0:00:10.5": days, a clock, or both ("day" in one case, as pydantic). */
    private static BigDecimal daysAndTime(String s) {
        Matcher m = DAYS_TIME.matcher(s);
        if (s.isEmpty() || !m.matches()) return null;
        BigDecimal seconds = BigDecimal.ZERO;
        if (m.group(1) != null) seconds = seconds.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(86_400)));
        if (m.group(2) != null) {
            if (m.group(2).length() < 5) return null; // "1:10" is too short for pydantic, "01:10" and "1:10:00" are not
            long hours = Long.parseLong(m.group(3).length() > 12 ? "999999999999" : m.group(3));
            int minutes = Integer.parseInt(m.group(4));
            int secs = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
            // a clock after days is a time of day, one on its own may run past 24 hours
            if (minutes > 59 || secs > 59 || m.group(1) != null && hours > 23) return null;
            seconds = seconds.add(BigDecimal.valueOf(hours * 3600 + minutes * 60L + secs));
            if (m.group(6) != null) {
                // pydantic keeps six digits and drops the rest
                String digits = m.group(6).length() > 6 ? m.group(6).substring(0, 6) : m.group(6);
                seconds = seconds.add(new BigDecimal("0." + digits));
            }
        }
        return seconds;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
