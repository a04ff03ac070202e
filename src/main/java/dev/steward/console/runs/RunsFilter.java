package dev.steward.console.runs;

import com.vaadin.flow.router.QueryParameters;
import dev.steward.orchestration.RunsPageReadModel;
import dev.steward.platform.UuidParameters;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The flow runs page's filters as they stand in its URL's query string ({@code ?state=FAILED,CRASHED&flow=<id>
 * &deployment=<id>&tag=nightly&q=etl&range=day}, or {@code range=custom&from=<instant>&to=<instant>}), so a filtered
 * view is a link. Parts that do not parse are left out, as if absent: a hand-edited link still opens the page.
 */
record RunsFilter(Set<String> states, UUID flowId, UUID deploymentId, String tag, String name, Range range,
                  Instant from, Instant to) {
    /** The state types a run can be in, in the order the page shows them. */
    static final List<String> STATE_TYPES = List.of("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "COMPLETED",
            "FAILED", "CRASHED", "CANCELLING", "CANCELLED");

    /** The time range presets: runs expected to start in the last hour, day, ... up to now, all, or from/to. */
    enum Range {
        ALL("All time", null), HOUR("Last hour", Duration.ofHours(1)), DAY("Last day", Duration.ofDays(1)),
        WEEK("Last 7 days", Duration.ofDays(7)), MONTH("Last 30 days", Duration.ofDays(30)), CUSTOM("Custom", null);

        final String label;
        final Duration back;

        Range(String label, Duration back) {
            this.label = label;
            this.back = back;
        }
    }

    static final RunsFilter NONE = new RunsFilter(Set.of(), null, null, "", "", Range.ALL, null, null);

    static RunsFilter parse(QueryParameters query) {
        Map<String, List<String>> p = query.getParameters();
        Set<String> states = first(p, "state").map(s -> Arrays.stream(s.split(","))
                .map(String::strip).filter(STATE_TYPES::contains).collect(Collectors.toCollection(TreeSet::new)))
                .map(Set::copyOf).orElse(Set.of());
        Range range = first(p, "range").flatMap(r -> Arrays.stream(Range.values())
                .filter(v -> v.name().equalsIgnoreCase(r)).findFirst()).orElse(Range.ALL);
        Instant from = range == Range.CUSTOM ? first(p, "from").map(RunsFilter::instant).orElse(null) : null;
        Instant to = range == Range.CUSTOM ? first(p, "to").map(RunsFilter::instant).orElse(null) : null;
        return new RunsFilter(states, first(p, "flow").flatMap(UuidParameters::parse).orElse(null),
                first(p, "deployment").flatMap(UuidParameters::parse).orElse(null), first(p, "tag").orElse(""),
                first(p, "q").orElse(""), range, from, to);
    }

    QueryParameters toQuery() {
        Map<String, String> p = new LinkedHashMap<>();
        if (!states.isEmpty()) p.put("state", String.join(",", new TreeSet<>(states)));
        if (flowId != null) p.put("flow", flowId.toString());
        if (deploymentId != null) p.put("deployment", deploymentId.toString());
        if (!tag.isBlank()) p.put("tag", tag.strip());
        if (!name.isBlank()) p.put("q", name.strip());
        if (range != Range.ALL) p.put("range", range.name().toLowerCase());
        if (range == Range.CUSTOM && from != null) p.put("from", from.toString());
        if (range == Range.CUSTOM && to != null) p.put("to", to.toString());
        return QueryParameters.simple(p);
    }

    /** The search at {@code now}: a preset range ends now and starts its duration before. */
    RunsPageReadModel.Search search(Instant now) {
        Instant start = range.back != null ? now.minus(range.back) : range == Range.CUSTOM ? from : null;
        Instant end = range.back != null ? now : range == Range.CUSTOM ? to : null;
        return new RunsPageReadModel.Search(states, flowId, deploymentId, tag, name, start, end);
    }

    private static Optional<String> first(Map<String, List<String>> p, String key) {
        return Optional.ofNullable(p.get(key)).flatMap(v -> v.stream().findFirst()).filter(v -> !v.isBlank());
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
