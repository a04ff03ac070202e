package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /flow_runs/history} and {@code /task_runs/history}: Prefect's HistoryResponse list. The range
 * [history_start, history_end) is cut into buckets of history_interval_seconds (at least 1 s, else Prefect's 422;
 * at most 500 buckets, the rest of the range is dropped as in Prefect); each bucket lists, per state type and name,
 * the runs expected to start in it, their summed estimated run time and lateness (seconds). The body's run filters
 * are those of the filter endpoints ({@link RunFilters}). Read through the run stores' {@code history}.
 */
final class RunHistory {
    static final int MAX_BUCKETS = 500;
    static final List<String> FLOW_RUN_FIELDS = List.of("history_start", "history_end", "history_interval_seconds",
            "flows", "flow_runs", "task_runs", "deployments", "work_pools", "work_queues");
    static final List<String> TASK_RUN_FIELDS = List.of("history_start", "history_end", "history_interval_seconds",
            "flows", "flow_runs", "task_runs", "deployments");

    private RunHistory() {}

    static JsonArray flowRuns(EntityManager em, UUID workspace, Body body) {
        body.rejectUnknown(FLOW_RUN_FIELDS);
        Range range = Range.of(body);
        return range.answer(RunQuery.flowRunHistory(workspace, body), em);
    }

    static JsonArray taskRuns(EntityManager em, UUID workspace, Body body) {
        body.rejectUnknown(TASK_RUN_FIELDS);
        Range range = Range.of(body);
        return range.answer(RunQuery.taskRuns(workspace, body), em);
    }

    private record Range(Instant start, Instant end, double intervalSeconds) {
        static Range of(Body body) {
            Instant start = body.requiredInstant("history_start");
            Instant end = body.requiredInstant("history_end");
            if (!body.has("history_interval_seconds") || body.json().isNull("history_interval_seconds")) {
                throw InvalidInput.missing("history_interval_seconds");
            }
            double interval = body.number("history_interval_seconds", 0);
            if (!(interval >= 1)) throw new InvalidInput("History interval must not be less than 1 second.");
            return new Range(start, end, interval);
        }

        Duration interval() {
            return Duration.ofNanos(Math.round(intervalSeconds * 1_000_000) * 1000);
        }

        JsonArray answer(RunQuery query, EntityManager em) {
            Duration range = Duration.between(start, end); // in seconds: nanoseconds overflow past 292 years
            double elapsed = range.getSeconds() + range.getNano() / 1e9;
            int buckets = elapsed <= 0 ? 0 : (int) Math.min(Math.ceil(elapsed / intervalSeconds), MAX_BUCKETS);
            JsonArrayBuilder out = Json.createArrayBuilder();
            if (buckets == 0) return out.build();
            Duration step = interval();
            Instant queryEnd = start.plus(step.multipliedBy(buckets));
            Map<Integer, JsonArrayBuilder> states = new HashMap<>();
            for (Object[] row : query.history(em, start, queryEnd, intervalSeconds, Instant.now())) {
                int bucket = ((Number) row[0]).intValue();
                if (bucket < 0 || bucket >= buckets) continue; // rounding at an edge: not in the range asked for
                states.computeIfAbsent(bucket, b -> Json.createArrayBuilder()).add(Json.createObjectBuilder()
                        .add("state_type", (String) row[1])
                        .add("state_name", row[2] == null ? "" : (String) row[2])
                        .add("count_runs", ((Number) row[3]).longValue())
                        .add("sum_estimated_run_time", ((Number) row[4]).doubleValue())
                        .add("sum_estimated_lateness", ((Number) row[5]).doubleValue()));
            }
            for (int i = 0; i < buckets; i++) {
                JsonArrayBuilder bucketStates = states.get(i);
                out.add(Json.createObjectBuilder()
                        .add("interval_start", start.plus(step.multipliedBy(i)).toString())
                        .add("interval_end", start.plus(step.multipliedBy(i + 1L)).toString())
                        .add("states", bucketStates == null ? Json.createArrayBuilder() : bucketStates));
            }
            return out.build();
        }
    }
}
