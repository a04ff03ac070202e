package dev.steward.automations;

import dev.steward.orchestration.FlowRunStore.Measured;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The metrics of a metric trigger over runs in {@code [since, now]} (Prefect Cloud names them; it documents them as
 * "average duration, lateness, or completion percentage"):
 * <ul>
 * <li>{@code lateness}: the average, in seconds, of how late runs started (start minus expected start, never below
 * 0) for runs that started in the range, and of how late they are now for runs expected in the range that are still
 * SCHEDULED or PENDING;</li>
 * <li>{@code duration}: the average run time, in seconds, of runs that ended in the range;</li>
 * <li>{@code successes}: the percentage (0 to 100) of runs that ended in the range in a final state that COMPLETED.</li>
 * </ul>
 * No run to measure is no value (null), not zero: a quiet range neither breaches nor resolves.
 */
final class RunMetrics {
    private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CRASHED", "CANCELLED");
    private static final Set<String> WAITING = Set.of("SCHEDULED", "PENDING");

    private RunMetrics() {}

    static Double measure(MetricTrigger.Metric metric, List<Measured> runs, Instant since, Instant now) {
        double sum = 0;
        int count = 0;
        for (Measured run : runs) {
            switch (metric) {
                case lateness -> {
                    if (run.start() != null && within(run.start(), since, now) && run.expectedStart() != null) {
                        sum += Math.max(0, seconds(run.expectedStart(), run.start()));
                        count++;
                    } else if (run.start() == null && run.expectedStart() != null && within(run.expectedStart(), since, now)
                            && WAITING.contains(run.stateType())) {
                        sum += seconds(run.expectedStart(), now);
                        count++;
                    }
                }
                case duration -> {
                    if (ended(run, since, now) && run.start() != null) {
                        sum += Math.max(0, seconds(run.start(), run.end()));
                        count++;
                    }
                }
                case successes -> {
                    if (ended(run, since, now)) {
                        if ("COMPLETED".equals(run.stateType())) sum += 100;
                        count++;
                    }
                }
            }
        }
        return count == 0 ? null : sum / count;
    }

    private static boolean ended(Measured run, Instant since, Instant now) {
        return run.end() != null && within(run.end(), since, now) && FINAL.contains(run.stateType());
    }

    private static boolean within(Instant t, Instant since, Instant now) {
        return !t.isBefore(since) && !t.isAfter(now);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
