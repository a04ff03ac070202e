package dev.steward.console.runs;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import dev.steward.orchestration.RunsPageReadModel;
import dev.steward.platform.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs-over-time chart: {@code <steward-runs-chart>} ({@code frontend/src/runs-chart/runs-chart.ts}) draws the
 * runs counted per bucket and state as stacked bars; this side picks the bucket size and hands the counts over.
 */
@Tag("steward-runs-chart")
@JsModule("./src/runs-chart/runs-chart.ts")
class RunsChart extends Component {
    /** Bucket sizes a reader counts in: a minute up to 30 days. */
    private static final List<Duration> SIZES = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6),
            Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));
    /** At most this many bars, so each stays a few pixels wide. */
    static final int MAX_BUCKETS = 60;

    /** The range cut into buckets of a size from the list: its origin (aligned to the size, UTC), size and count. */
    record Buckets(Instant origin, long seconds, int count) {
        static Buckets over(Instant from, Instant to) {
            long span = Math.max(1, Duration.between(from, to).getSeconds());
            long size = SIZES.stream().mapToLong(Duration::getSeconds).filter(s -> span / s < MAX_BUCKETS)
                    .findFirst().orElse(SIZES.get(SIZES.size() - 1).getSeconds());
            Instant origin = Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), size) * size);
            int count = (int) Math.max(1, Math.min(10_000, (to.getEpochSecond() - origin.getEpochSecond() + size - 1) / size));
            return new Buckets(origin, size, count);
        }
    }

    RunsChart() {
        setId("runs-chart");
    }

    /** Draws the counts; buckets outside the range (none when the range covers the search) are left out. */
    void show(Buckets range, List<RunsPageReadModel.Bucket> counts) {
        Map<String, long[]> series = new TreeMap<>();
        for (RunsPageReadModel.Bucket b : counts) {
            if (b.index() < 0 || b.index() >= range.count()) continue;
            series.computeIfAbsent(b.stateType(), s -> new long[range.count()])[b.index()] += b.count();
        }
        JsonObjectBuilder json = Json.createObjectBuilder().add("from", range.origin().toEpochMilli())
                .add("bucketMs", range.seconds() * 1000).add("buckets", range.count());
        JsonObjectBuilder byState = Json.createObjectBuilder();
        series.forEach((state, values) -> {
            var array = Json.createArrayBuilder();
            for (long v : values) array.add(v);
            byState.add(state, array);
        });
        getElement().setProperty("data", json.add("series", byState).build().toString());
    }
}
