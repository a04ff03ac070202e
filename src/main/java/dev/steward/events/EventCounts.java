package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefect's {@code POST /events/count-by/{countable}}: the matching events counted
 * <ul>
 * <li>by {@code time}: in buckets of {@code time_interval} {@code time_unit}s laid from a fixed pivot (Monday
 * 2024-04-01 UTC), every bucket from the one holding {@code since} to the one holding {@code until} (or the end of
 * the current unit, when {@code until} is in the future), empty ones with count 0; values are the buckets' positions
 * "0", "1", ... and labels their start times. {@code day} is {@code time} by days of one day;</li>
 * <li>by {@code event} name or {@code resource} id: one row each, most events first (then by label); a resource's
 * label is its newest name ({@code prefect.resource.name}, else {@code prefect.name}, else its id).</li>
 * </ul>
 * A range of more than 1,000 buckets is Prefect's 422, whatever is counted (Prefect checks it for every countable).
 */
public final class EventCounts {
    public enum Countable { day, time, event, resource }

    public enum TimeUnit {
        week(7 * 86_400), day(86_400), hour(3_600), minute(60), second(1);

        final long seconds;

        TimeUnit(long seconds) {
            this.seconds = seconds;
        }
    }

    static final Instant PIVOT = Instant.parse("2024-04-01T00:00:00Z");
    static final int MAX_BUCKETS = 1000;
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private EventCounts() {}

    /** The longest bucket taken: about a thousand years, past which bucket arithmetic leaves the calendar. */
    static final double MAX_BUCKET_SECONDS = 1000 * 366 * 86_400.0;

    /** The bucket size, rounded to microseconds as Python's timedelta is. */
    static Duration bucket(TimeUnit unit, double interval) {
        double seconds = unit.seconds * interval;
        if (seconds > MAX_BUCKET_SECONDS) {
            throw InvalidInput.field("time_interval", "The interval is too large: at most 1000 years");
        }
        return Duration.of(Math.round(seconds * 1_000_000), ChronoUnit.MICROS);
    }

    /** Prefect's bucket limit, on the range the filter asks for. */
    static void checkBuckets(Instant since, Instant until, Duration bucket) {
        Duration range = Duration.between(since, until); // in seconds: nanoseconds overflow past 292 years
        double buckets = Math.ceil((range.getSeconds() + range.getNano() / 1e9) / (bucket.toNanos() / 1e9));
        if (buckets > MAX_BUCKETS) {
            throw new InvalidInput("The given interval would create " + (long) buckets + " buckets, which is too many. "
                    + "Please increase the interval or reduce the time range to produce " + MAX_BUCKETS + " buckets or fewer.");
        }
    }

    static JsonArray count(EntityManager em, EventCriteria criteria, Countable countable, TimeUnit unit, double interval,
                           Instant now) {
        if (countable == Countable.day) {
            unit = TimeUnit.day;
            interval = 1;
        }
        Duration bucket = bucket(unit, interval);
        checkBuckets(criteria.since, criteria.until, bucket);
        EventQuery query = new EventQuery(criteria);
        return switch (countable) {
            case day, time -> byTime(em, query, criteria, unit, bucket, now);
            case event -> byValue(query.groups(em, "e.name", "e.name", Map.of()));
            case resource -> byValue(query.groups(em, "e.resourceId", "coalesce("
                    + "function('jsonb_extract_path_text', e.resource, 'prefect.resource.name'), "
                    + "function('jsonb_extract_path_text', e.resource, 'prefect.name'), e.resourceId)", Map.of()));
        };
    }

    private static JsonArray byTime(EntityManager em, EventQuery query, EventCriteria criteria, TimeUnit unit,
                                    Duration bucket, Instant now) {
        long bucketMicros = bucket.toNanos() / 1000;
        Instant end = criteria.until.isAfter(now) ? endOfPeriod(now, unit) : criteria.until;
        long first = Math.floorDiv(micros(PIVOT, criteria.since), bucketMicros);
        List<Instant> starts = new ArrayList<>();
        for (Instant start = PIVOT.plus(bucket.multipliedBy(first)); start.isBefore(end); start = start.plus(bucket)) {
            starts.add(start);
        }
        long[] counts = new long[starts.size()];
        String value = "floor((cast(function('date_part', 'epoch', e.occurred) as Double) - :pivot) / :bucket)";
        for (Object[] row : query.groups(em, value, value, Map.of("pivot", (double) PIVOT.getEpochSecond(),
                "bucket", bucketMicros / 1e6))) {
            long index = ((Number) row[0]).longValue() - first;
            if (index >= 0 && index < counts.length) counts[(int) index] += ((Number) row[2]).longValue();
        }
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (int i = 0; i < starts.size(); i++) {
            Instant start = starts.get(i);
            out.add(Json.createObjectBuilder()
                    .add("value", Integer.toString(i))
                    .add("label", isoLabel(start))
                    .add("count", counts[i])
                    .add("start_time", start.toString())
                    .add("end_time", start.plus(bucket).minus(1, ChronoUnit.MICROS).toString()));
        }
        return out.build();
    }

    private record Group(String value, String label, long count, Instant oldest, Instant newest) {}

    /** One row per value (a value may come with several labels over time: the newest one names it). */
    private static JsonArray byValue(List<Object[]> rows) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Object[] row : rows) {
            Group g = new Group((String) row[0], (String) row[1], ((Number) row[2]).longValue(), (Instant) row[3], (Instant) row[4]);
            groups.merge(g.value(), g, (a, b) -> new Group(a.value(),
                    b.newest().isAfter(a.newest()) ? b.label() : a.label(), a.count() + b.count(),
                    a.oldest().isBefore(b.oldest()) ? a.oldest() : b.oldest(),
                    a.newest().isAfter(b.newest()) ? a.newest() : b.newest()));
        }
        JsonArrayBuilder out = Json.createArrayBuilder();
        groups.values().stream()
                .sorted(Comparator.comparingLong(Group::count).reversed().thenComparing(Group::label))
                .forEach(g -> out.add(Json.createObjectBuilder()
                        .add("value", g.value()).add("label", g.label()).add("count", g.count())
                        .add("start_time", g.oldest().toString()).add("end_time", g.newest().toString())));
        return out.build();
    }

    /** The last microsecond of the unit (second, minute, hour, day, week ending on Sunday) that holds {@code t}. */
    static Instant endOfPeriod(Instant t, TimeUnit unit) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        ZonedDateTime start = switch (unit) {
            case second -> z.truncatedTo(ChronoUnit.SECONDS);
            case minute -> z.truncatedTo(ChronoUnit.MINUTES);
            case hour -> z.truncatedTo(ChronoUnit.HOURS);
            case day -> z.truncatedTo(ChronoUnit.DAYS);
            case week -> z.truncatedTo(ChronoUnit.DAYS).minusDays(z.getDayOfWeek().getValue() - 1L);
        };
        Duration length = unit == TimeUnit.week ? Duration.ofDays(7) : Duration.ofSeconds(unit.seconds);
        return start.plus(length).minus(1, ChronoUnit.MICROS).toInstant();
    }

    /** Python's isoformat of a UTC datetime: microseconds only when there are some, offset +00:00. */
    static String isoLabel(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        int micros = z.getNano() / 1000;
        return LABEL.format(z) + (micros == 0 ? "" : String.format(".%06d", micros)) + "+00:00";
    }

    private static long micros(Instant from, Instant to) {
        return ChronoUnit.MICROS.between(from, to);
    }
}
