package dev.steward.workers;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;

/** Prefect's wire shapes of work pools, work queues and workers, and their event resources. */
final class WorkerJson {
    private WorkerJson() {}

    /** WorkPoolResponse. */
    static JsonObject pool(WorkPool p, String status, Integer activeSlots) {
        return Json.createObjectBuilder()
                .add("id", p.getId().toString())
                .add("created", p.getCreated().toString())
                .add("updated", p.getUpdated().toString())
                .add("name", p.getName())
                .add("description", value(p.getDescription()))
                .add("type", p.getType())
                .add("base_job_template", Json.parse(p.getBaseJobTemplate()))
                .add("is_paused", p.isPaused())
                .add("concurrency_limit", value(p.getConcurrencyLimit()))
                .add("status", value(status))
                .add("default_queue_id", value(p.getDefaultQueueId()))
                .add("storage_configuration", storage(Json.parseObject(p.getStorageConfiguration())))
                .add("active_slots", value(activeSlots))
                .build();
    }

    /** Prefect's WorkPoolStorageConfiguration, every field present. */
    static JsonObject storage(JsonObject given) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("bundle_upload_step", JsonValue.NULL)
                .add("bundle_execution_step", JsonValue.NULL).add("default_result_storage_block_id", JsonValue.NULL);
        given.forEach(b::add);
        return b.build();
    }

    /** WorkQueueResponse. */
    static JsonObject queue(WorkQueue q, String poolName, String status, Integer activeSlots) {
        return Json.createObjectBuilder()
                .add("id", q.getId().toString())
                .add("created", q.getCreated().toString())
                .add("updated", q.getUpdated().toString())
                .add("name", q.getName())
                .add("description", q.getDescription())
                .add("is_paused", q.isPaused())
                .add("concurrency_limit", value(q.getConcurrencyLimit()))
                .add("priority", q.getPriority())
                .add("work_pool_id", q.getWorkPoolId().toString())
                .add("filter", JsonValue.NULL)
                .add("last_polled", value(q.getLastPolled()))
                .add("work_pool_name", value(poolName))
                .add("status", status)
                .add("active_slots", value(activeSlots))
                .build();
    }

    /** WorkerResponse, and {@code channel}: Steward's own field, true when the last heartbeat came over the worker channel. */
    static JsonObject worker(Worker w, String status) {
        return Json.createObjectBuilder()
                .add("id", w.getId().toString())
                .add("created", w.getCreated().toString())
                .add("updated", w.getUpdated().toString())
                .add("name", w.getName())
                .add("work_pool_id", w.getWorkPoolId().toString())
                .add("last_heartbeat_time", w.getLastHeartbeatTime().toString())
                .add("heartbeat_interval_seconds", value(w.getHeartbeatIntervalSeconds()))
                .add("status", status)
                .add("channel", w.isChannel())
                .build();
    }

    /** A pool as an event's resource or related resource. */
    static JsonObject poolResource(WorkPool p) {
        return Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.work-pool." + p.getId())
                .add("prefect.resource.name", p.getName())
                .add("prefect.work-pool.type", p.getType())
                .add("prefect.resource.role", "work-pool")
                .build();
    }

    static JsonValue value(Object o) {
        if (o == null) return JsonValue.NULL;
        if (o instanceof JsonValue v) return v;
        if (o instanceof Integer i) return Json.createValue(i);
        if (o instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (o instanceof Instant || o instanceof java.util.UUID || o instanceof String) return Json.createValue(o.toString());
        throw new IllegalArgumentException("no JSON form for " + o.getClass());
    }
}
