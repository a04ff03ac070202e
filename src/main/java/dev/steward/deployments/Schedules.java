package dev.steward.deployments;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.TreeSet;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * Prefect's three schedule kinds (server/schemas/schedules.py), checked when written and asked for their dates:
 * an interval from an anchor date, a cron expression (cron-utils) and an RFC 5545 recurrence rule (lib-recur), each in
 * a time zone. Dates follow Prefect's rules: an interval's whole days are calendar days in the time zone (a daily
 * schedule keeps its wall-clock hour across DST) and its remainder is exact seconds; cron and rrule times are wall
 * times in the zone, a time skipped by DST moves forward by the gap and a repeated one is taken at its first
 * occurrence. At most {@link #MAX_ITERATIONS} candidates are looked at per call, as in Prefect.
 */
final class Schedules {
    static final int MAX_ITERATIONS = 1000;
    /** Prefect's MAX_RRULE_LENGTH. */
    private static final int MAX_RRULE_LENGTH = 6500;
    /** Where a recurrence rule without DTSTART starts (Prefect's DEFAULT_RRULE_ANCHOR). */
    private static final LocalDateTime RRULE_ANCHOR = LocalDateTime.of(2020, 1, 1, 0, 0);
    private static final DateTimeFormatter ICAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    /** croniter's day_or=True is cron's usual OR of day of month and day of week, cron-utils' Unix definition. */
    private static final CronParser CRON_OR = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** day_or=False: both days must match. */
    private static final CronParser CRON_AND = new CronParser(unixWithBothDays());
    private static final Map<String, String> CRON_MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");

    /** A checked schedule: its stored JSON (Prefect's shape, defaults filled in) and its dates. */
    interface Schedule {
        JsonObject json();

        /** Up to n dates in [start, end] (end may be null), in order. */
        List<Instant> dates(int n, Instant start, Instant end);

        /** What Prefect shows as a scheduled run's creator when the schedule has no slug. */
        String kind();
    }

    private Schedules() {}

    /** The schedule a request sent at {@code at} (e.g. "schedules.0.schedule"), or a 422 that says what is wrong. */
    static Schedule parse(Body body, Instant now) {
        JsonObject json = body.json();
        if (json.containsKey("interval")) return interval(body, now);
        if (json.containsKey("cron")) return cron(body);
        if (json.containsKey("rrule")) return rrule(body);
        throw InvalidInput.field(body.location(""), "A schedule needs one of interval, cron or rrule");
    }

    /** A schedule as stored (already checked). */
    static Schedule of(JsonObject stored) {
        return parse(Body.of(stored), Instant.now());
    }

    private static ZoneId zone(Body body, String fallback) {
        String name = body.optionalString("timezone").orElse(fallback);
        if (name == null) return null;
        try {
            return ZoneId.of(name);
        } catch (RuntimeException e) {
            throw InvalidInput.field(body.location("timezone"), "Value error, Invalid timezone: \"" + name + "\"");
        }
    }

    /** Python's timedelta.max, the longest interval Prefect's schema takes. */
    private static final double MAX_INTERVAL_SECONDS = 999_999_999d * 86_400;

    private static Schedule interval(Body body, Instant now) {
        body.rejectUnknown(List.of("interval", "anchor_date", "timezone"));
        JsonValue raw = body.raw("interval");
        if (!(raw instanceof JsonNumber n)) throw InvalidInput.field(body.location("interval"), "Input should be a valid timedelta");
        double seconds = n.doubleValue();
        if (!(seconds > 0) || !Double.isFinite(seconds)) {
            throw InvalidInput.field(body.location("interval"), "Value error, The interval must be positive");
        }
        if (seconds > MAX_INTERVAL_SECONDS) {
            throw InvalidInput.field(body.location("interval"), "Input should be a valid timedelta, durations may not exceed 999,999,999 days");
        }
        Instant anchor = body.optionalInstant("anchor_date").orElse(now);
        ZoneId zone = zone(body, null);
        ZoneId effective = zone == null ? ZoneOffset.UTC : zone;
        long wholeDays = (long) Math.floor(seconds / 86_400);
        Duration rest = Duration.ofNanos(Math.round((seconds - wholeDays * 86_400) * 1e9));
        JsonObject json = Json.createObjectBuilder().add("interval", seconds).add("anchor_date", anchor.toString())
                .add("timezone", zone == null ? "UTC" : zone.getId()).build();
        return new Schedule() {
            public JsonObject json() { return json; }
            public String kind() { return "IntervalSchedule"; }

            public List<Instant> dates(int max, Instant start, Instant end) {
                ZonedDateTime first = anchor.atZone(effective);
                // jump close to start by whole intervals, then walk (calendar days make the jump approximate)
                Duration since = Duration.between(anchor, start); // in seconds: nanoseconds overflow after 292 years
                long skip = Math.max(0, (long) Math.floor((since.getSeconds() + since.getNano() / 1e9) / seconds) - 1);
                List<Instant> out = new ArrayList<>();
                for (long k = skip, seen = 0; out.size() < max && seen <= MAX_ITERATIONS; k++, seen++) {
                    Instant t = first.plusDays(wholeDays * k).plus(rest.multipliedBy(k)).toInstant();
                    if (end != null && t.isAfter(end)) break;
                    if (!t.isBefore(start)) out.add(t);
                }
                return out;
            }
        };
    }

    private static Schedule cron(Body body) {
        body.rejectUnknown(List.of("cron", "timezone", "day_or"));
        String expression = body.requiredString("cron").trim();
        boolean dayOr = body.optionalBoolean("day_or").orElse(true);
        ZoneId zone = zone(body, null);
        ZoneId effective = zone == null ? ZoneOffset.UTC : zone;
        for (String part : expression.split("\\s+")) {
            if (part.equalsIgnoreCase("R") || part.equalsIgnoreCase("H")) {
                throw InvalidInput.field(body.location("cron"),
                        "Value error, Random and Hashed expressions are unsupported, received: \"" + expression + "\"");
            }
        }
        Cron cron;
        try {
            cron = (dayOr ? CRON_OR : CRON_AND).parse(CRON_MACROS.getOrDefault(expression.toLowerCase(Locale.ROOT), expression)).validate();
        } catch (IllegalArgumentException e) {
            throw InvalidInput.field(body.location("cron"), "Value error, Invalid cron string: \"" + expression + "\": " + e.getMessage());
        }
        ExecutionTime times = ExecutionTime.forCron(cron);
        JsonObject json = Json.createObjectBuilder().add("cron", expression)
                .add("timezone", zone == null ? "UTC" : zone.getId()).add("day_or", dayOr).build();
        return new Schedule() {
            public JsonObject json() { return json; }
            public String kind() { return "CronSchedule"; }

            public List<Instant> dates(int max, Instant start, Instant end) {
                // cron-utils walks wall times on a zone-free clock; each is then placed in the zone as Prefect does.
                // The walk starts an hour early: a wall time skipped by DST lands after the gap, maybe after start.
                LocalDateTime[] wall = {start.atZone(effective).toLocalDateTime().minusHours(1).withNano(0)};
                return collect(max, start, end, () -> {
                    Optional<ZonedDateTime> next = times.nextExecution(wall[0].atZone(ZoneOffset.UTC));
                    if (next.isEmpty()) return null;
                    wall[0] = next.get().toLocalDateTime();
                    return ZonedDateTime.ofLocal(wall[0], effective, null).toInstant();
                });
            }
        };
    }

    private static Schedule rrule(Body body) {
        body.rejectUnknown(List.of("rrule", "timezone"));
        String text = body.requiredString("rrule");
        ZoneId zone = zone(body, "UTC");
        if (text.length() > MAX_RRULE_LENGTH) {
            throw InvalidInput.field(body.location("rrule"), "Value error, Invalid RRule string \""
                    + text.substring(0, 40) + "...\"\nMax length is " + MAX_RRULE_LENGTH + ", got " + text.length());
        }
        Rule rule;
        try {
            rule = Rule.parse(text, zone);
        } catch (IllegalArgumentException | DateTimeException | InvalidRecurrenceRuleException e) {
            throw InvalidInput.field(body.location("rrule"), "Value error, Invalid RRule string \"" + text + "\": " + e.getMessage());
        }
        JsonObject json = Json.createObjectBuilder().add("rrule", text).add("timezone", zone.getId()).build();
        return new Schedule() {
            public JsonObject json() { return json; }
            public String kind() { return "RRuleSchedule"; }

            public List<Instant> dates(int max, Instant start, Instant end) {
                return rule.dates(max, start, end);
            }
        };
    }

    /** Dates from a generator of ascending candidates: those in [start, end], without repeats, at most max. */
    private static List<Instant> collect(int max, Instant start, Instant end, java.util.function.Supplier<Instant> next) {
        TreeSet<Instant> out = new TreeSet<>();
        for (int i = 0; i < MAX_ITERATIONS + 2 && out.size() < max; i++) {
            Instant t = next.get();
            if (t == null || end != null && t.isAfter(end)) break;
            if (!t.isBefore(start)) out.add(t);
        }
        return new ArrayList<>(out);
    }

    /**
     * A recurrence set as Prefect's rrulestr reads it: an RRULE (a bare rule is one too), an optional DTSTART (plain,
     * UTC with Z, or with TZID), RDATE and EXDATE lists. Wall times are in the schedule's zone.
     */
    private record Rule(RecurrenceRule rule, LocalDateTime dtstart, ZoneId zone, List<Instant> rdates, List<Instant> exdates) {
        static Rule parse(String text, ZoneId zone) throws InvalidRecurrenceRuleException {
            RecurrenceRule rule = null;
            LocalDateTime dtstart = RRULE_ANCHOR;
            ZoneId ruleZone = zone;
            List<Instant> rdates = new ArrayList<>();
            List<Instant> exdates = new ArrayList<>();
            for (String line : text.strip().split("\\s*\\n\\s*")) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("DTSTART")) {
                    String[] nameAndValue = line.split(":", 2);
                    if (nameAndValue.length < 2) throw new IllegalArgumentException("DTSTART needs a value");
                    String tzid = param(nameAndValue[0], "TZID");
                    if (tzid != null) ruleZone = ZoneId.of(tzid);
                    String value = nameAndValue[1].trim();
                    if (value.endsWith("Z")) {
                        dtstart = LocalDateTime.parse(value.substring(0, value.length() - 1), ICAL).atOffset(ZoneOffset.UTC)
                                .atZoneSameInstant(ruleZone).toLocalDateTime();
                    } else {
                        dtstart = value.length() == 8 ? LocalDateTime.parse(value + "T000000", ICAL) : LocalDateTime.parse(value, ICAL);
                    }
                } else if (upper.startsWith("RRULE:") || upper.startsWith("FREQ=") || !upper.contains(":") && upper.contains("FREQ=")) {
                    if (rule != null) throw new IllegalArgumentException("only one RRULE is supported");
                    rule = new RecurrenceRule(upper.startsWith("RRULE:") ? line.substring(6) : line, RecurrenceRule.RfcMode.RFC5545_STRICT);
                } else if (upper.startsWith("RDATE") || upper.startsWith("EXDATE")) {
                    (upper.startsWith("RDATE") ? rdates : exdates).addAll(dateList(line, ruleZone));
                } else {
                    throw new IllegalArgumentException("unsupported property: " + line);
                }
            }
            if (rule == null && rdates.isEmpty()) throw new IllegalArgumentException("no RRULE or RDATE");
            if (rule != null && rule.getUntil() != null && !rule.getUntil().isFloating()) {
                // UNTIL...Z is an instant, but the iterator walks the zone's wall times on a clock labelled UTC
                LocalDateTime wall = LocalDateTime.ofInstant(Instant.ofEpochMilli(rule.getUntil().getTimestamp()), ruleZone);
                rule.setUntil(new DateTime(TimeZone.getTimeZone("UTC"), wall.toInstant(ZoneOffset.UTC).toEpochMilli()));
            }
            return new Rule(rule, dtstart, ruleZone, rdates, exdates);
        }

        private static String param(String name, String key) {
            for (String p : name.split(";")) {
                if (p.toUpperCase(Locale.ROOT).startsWith(key + "=")) return p.substring(key.length() + 1);
            }
            return null;
        }

        private static List<Instant> dateList(String line, ZoneId zone) {
            String[] nameAndValue = line.split(":", 2);
            if (nameAndValue.length < 2) throw new IllegalArgumentException("a date list needs values");
            String tzid = param(nameAndValue[0], "TZID");
            ZoneId in = tzid == null ? zone : ZoneId.of(tzid);
            List<Instant> out = new ArrayList<>();
            for (String v : nameAndValue[1].split(",")) {
                String value = v.trim();
                out.add(value.endsWith("Z")
                        ? LocalDateTime.parse(value.substring(0, value.length() - 1), ICAL).toInstant(ZoneOffset.UTC)
                        : ZonedDateTime.ofLocal(LocalDateTime.parse(value, ICAL), in, null).toInstant());
            }
            return out;
        }

        List<Instant> dates(int max, Instant start, Instant end) {
            TreeSet<Instant> candidates = new TreeSet<>(rdates);
            if (rule != null) {
                // wall times of the rule on a zone-free clock, each then placed in the zone
                RecurrenceRuleIterator it = rule.iterator(new DateTime(TimeZone.getTimeZone("UTC"),
                        dtstart.toInstant(ZoneOffset.UTC).toEpochMilli()));
                Instant startWall = start.atZone(zone).toLocalDateTime().minusDays(1).toInstant(ZoneOffset.UTC);
                it.fastForward(startWall.toEpochMilli());
                for (int i = 0; i < MAX_ITERATIONS && it.hasNext(); i++) {
                    LocalDateTime wall = LocalDateTime.ofInstant(Instant.ofEpochMilli(it.nextMillis()), ZoneOffset.UTC);
                    Instant t = ZonedDateTime.ofLocal(wall, zone, null).toInstant();
                    if (end != null && t.isAfter(end)) break;
                    candidates.add(t);
                    if (!t.isBefore(start) && candidates.tailSet(start).size() >= max + exdates.size()) break;
                }
            }
            List<Instant> out = new ArrayList<>();
            for (Instant t : candidates) {
                if (t.isBefore(start) || exdates.contains(t)) continue;
                if (end != null && t.isAfter(end) || out.size() >= max) break;
                out.add(t);
            }
            return out;
        }
    }

    private static CronDefinition unixWithBothDays() {
        return CronDefinitionBuilder.defineCron()
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .matchDayOfWeekAndDayOfMonth()
                .instance();
    }
}
