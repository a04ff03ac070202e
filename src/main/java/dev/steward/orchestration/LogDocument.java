package dev.steward.orchestration;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's Log document: a line of a batch {@code POST /logs/} takes (LogCreate: name, level, message, timestamp,
 * flow and task run ids) and the Log that {@code /logs/filter} answers, whose {@code updated} is its {@code created}.
 */
final class LogDocument {
    private LogDocument() {}

    /** The {@code index}th line of a batch, checked at {@code [index, field]} as FastAPI reports a list's errors. */
    static LogEntry read(Body line, int index, Instant now) {
        return new LogEntry(uuid(line, "flow_run_id", index), uuid(line, "task_run_id", index),
                RunJson.checkName(line.requiredString("name"), index + ".name"), line.integer("level", 20, 0, 100),
                line.requiredString("message"),
                line.optionalInstant("timestamp").orElseThrow(() -> InvalidInput.missing(index + ".timestamp")), now);
    }

    static JsonObject write(LogEntry l) {
        return Json.createObjectBuilder()
                .add("id", l.getId().toString())
                .add("created", l.getCreated().toString())
                .add("updated", l.getCreated().toString())
                .add("name", l.getName())
                .add("level", l.getLevel())
                .add("message", l.getMessage())
                .add("timestamp", l.getTimestamp().toString())
                .add("flow_run_id", Json.orNull(l.getFlowRunId()))
                .add("task_run_id", Json.orNull(l.getTaskRunId()))
                .build();
    }

    /** An optional id of the line, wrong at {@code [index, field]}. */
    private static UUID uuid(Body line, String field, int index) {
        return line.optionalString(field).map(s -> Body.uuids(List.of(s), index + "." + field).get(0)).orElse(null);
    }
}
