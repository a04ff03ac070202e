package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * Prefect's worker document: what a heartbeat (WorkerHeartbeat) sends, how its body is read, and its JSON
 * (WorkerResponse, with Steward's own {@code channel}: true when the last heartbeat came over the worker channel).
 */
final class WorkerDocument {
    static final List<String> HEARTBEAT_FIELDS = List.of("name", "heartbeat_interval_seconds");

    private WorkerDocument() {}

    /** A heartbeat: the worker's name, and its interval (null when it gave none). */
    record Heartbeat(String name, Integer intervalSeconds) {}

    static Heartbeat readHeartbeat(Body body) {
        body.rejectUnknown(HEARTBEAT_FIELDS);
        String name = WorkerRules.bounded(body.requiredString("name"), "name");
        Integer interval = body.has("heartbeat_interval_seconds") && !body.isExplicitNull("heartbeat_interval_seconds")
                ? body.integer("heartbeat_interval_seconds", 0, Integer.MIN_VALUE, Integer.MAX_VALUE) : null;
        return new Heartbeat(name, interval);
    }

    /** WorkerResponse with the computed status. */
    static JsonObject write(Worker w, String status) {
        return Json.createObjectBuilder()
                .add("id", w.getId().toString())
                .add("created", w.getCreated().toString())
                .add("updated", w.getUpdated().toString())
                .add("name", w.getName())
                .add("work_pool_id", w.getWorkPoolId().toString())
                .add("last_heartbeat_time", w.getLastHeartbeatTime().toString())
                .add("heartbeat_interval_seconds", Json.orNull(w.getHeartbeatIntervalSeconds()))
                .add("status", status)
                .add("channel", w.isChannel())
                .build();
    }
}
