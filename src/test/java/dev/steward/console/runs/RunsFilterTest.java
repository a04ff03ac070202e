package dev.steward.console.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.router.QueryParameters;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The runs page's URL: filters survive the round trip, and bad parts are dropped; the chart's bucket sizes. */
class RunsFilterTest {
    @Test
    void filtersRoundTripThroughTheQueryString() {
        UUID flow = UUID.randomUUID();
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        RunsFilter f = new RunsFilter(Set.of("FAILED", "CRASHED"), flow, null, "nightly", "etl run",
                RunsFilter.Range.CUSTOM, from, null);
        String query = f.toQuery().getQueryString();
        assertTrue(query.contains("state=CRASHED%2CFAILED") && query.contains("range=custom"), query);
        assertEquals(f, RunsFilter.parse(QueryParameters.fromString(query)));
        assertEquals("", RunsFilter.NONE.toQuery().getQueryString());
    }

    @Test
    void badPartsAreLeftOut() {
        RunsFilter f = RunsFilter.parse(QueryParameters.fromString("state=FAILED,BOGUS&flow=nope&range=forever&from=x"));
        assertEquals(Set.of("FAILED"), f.states());
        assertNull(f.flowId());
        assertEquals(RunsFilter.Range.ALL, f.range());
        assertNull(f.from());
    }

    @Test
    void presetRangesEndNow() {
        Instant now = Instant.parse("2026-06-01T12:00:00Z");
        var s = RunsFilter.parse(QueryParameters.fromString("range=day")).search(now);
        assertEquals(now.minus(Duration.ofDays(1)), s.from());
        assertEquals(now, s.to());
        assertNull(RunsFilter.NONE.search(now).from());
    }

    @Test
    void bucketsAreRoundSizesAndAtMostSixty() {
        var day = RunsChart.Buckets.over(Instant.parse("2026-06-01T10:17:00Z"), Instant.parse("2026-06-02T10:17:00Z"));
        assertEquals(3600, day.seconds());
        assertEquals(Instant.parse("2026-06-01T10:00:00Z"), day.origin());
        assertEquals(25, day.count());
        var months = RunsChart.Buckets.over(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"));
        assertEquals(Duration.ofDays(7).getSeconds(), months.seconds());
        assertEquals(26, months.count());
    }
}
