package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Prefect's work pool document: the fields a create (WorkPoolCreate) and an update (WorkPoolUpdate) may send, how
 * their bodies are read (Prefect's 422s; what a body leaves out is null, for the service's defaults), and its JSON:
 * WorkPoolResponse and how its events name it.
 */
final class WorkPoolDocument {
    static final List<String> CREATE_FIELDS = List.of("name", "description", "type", "base_job_template", "is_paused",
            "concurrency_limit", "storage_configuration");
    static final List<String> UPDATE_FIELDS = List.of("description", "is_paused", "base_job_template",
            "concurrency_limit", "storage_configuration");

    private WorkPoolDocument() {}

    static WorkPools.Spec readCreate(Body body) {
        body.rejectUnknown(CREATE_FIELDS);
        String name = WorkerRules.poolName(body.requiredString("name"), "name");
        return new WorkPools.Spec(name, body.optionalString("description").orElse(null),
                body.optionalString("type").map(t -> WorkerRules.bounded(t, "type")).orElse(null), template(body),
                body.optionalBoolean("is_paused").orElse(false), concurrencyLimit(body), storage(body));
    }

    /** An update that sends only is_paused and concurrency_limit is the one allowed on Prefect's own pools. */
    static WorkPools.Update readUpdate(Body body) {
        body.rejectUnknown(UPDATE_FIELDS);
        boolean onlyPauseOrLimit = body.json().keySet().stream()
                .allMatch(k -> k.equals("is_paused") || k.equals("concurrency_limit"));
        return new WorkPools.Update(body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), template(body), concurrencyLimit(body),
                body.isExplicitNull("concurrency_limit"), storage(body), onlyPauseOrLimit);
    }

    /** WorkPoolResponse, with the computed status and active slots (null: not counted). */
    static JsonObject write(WorkPool p, String status, Integer activeSlots) {
        return Json.createObjectBuilder()
                .add("id", p.getId().toString())
                .add("created", p.getCreated().toString())
                .add("updated", p.getUpdated().toString())
                .add("name", p.getName())
                .add("description", Json.orNull(p.getDescription()))
                .add("type", p.getType())
                .add("base_job_template", Json.parse(p.getBaseJobTemplate()))
                .add("is_paused", p.isPaused())
                .add("concurrency_limit", Json.orNull(p.getConcurrencyLimit()))
                .add("status", Json.orNull(status))
                .add("default_queue_id", Json.orNull(p.getDefaultQueueId()))
                .add("storage_configuration", storage(Json.parseObject(p.getStorageConfiguration())))
                .add("active_slots", Json.orNull(activeSlots))
                .build();
    }

    /** Prefect's WorkPoolStorageConfiguration, every field present. */
    static JsonObject storage(JsonObject given) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("bundle_upload_step", JsonValue.NULL)
                .add("bundle_execution_step", JsonValue.NULL).add("default_result_storage_block_id", JsonValue.NULL);
        given.forEach(b::add);
        return b.build();
    }

    /** The pool as an event's resource: its id, name and type. */
    static JsonObject eventResource(WorkPool p) {
        return Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.work-pool." + p.getId())
                .add("prefect.resource.name", p.getName())
                .add("prefect.work-pool.type", p.getType())
                .build();
    }

    /** The pool as a related resource of a queue's event. */
    static JsonObject relatedResource(WorkPool p) {
        return Json.createObjectBuilder(eventResource(p)).add("prefect.resource.role", "work-pool").build();
    }

    /** The labels a pool's lifecycle event adds to its resource. */
    static JsonObject eventLabels(WorkPool p) {
        return Json.createObjectBuilder()
                .add("prefect.work-pool.type", p.getType()).add("prefect.resource.role", "work-pool").build();
    }

    /** A pool event's related resources: its default queue, as Prefect relates it. */
    static JsonArray eventRelated(WorkPool p) {
        if (p.getDefaultQueueId() == null) return JsonValue.EMPTY_JSON_ARRAY;
        return Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.work-queue." + p.getDefaultQueueId())
                .add("prefect.resource.role", "default-queue")).build();
    }

    /** Prefect's concurrency_limit of a pool or a queue: at least 0; null or left out is none. */
    static Integer concurrencyLimit(Body body) {
        return body.has("concurrency_limit") && !body.isExplicitNull("concurrency_limit")
                ? body.integer("concurrency_limit", 0, 0, Integer.MAX_VALUE) : null;
    }

    private static JsonObject template(Body body) {
        return body.has("base_job_template") && !body.isExplicitNull("base_job_template")
                ? body.object("base_job_template").json() : null;
    }

    /** Prefect's WorkPoolStorageConfiguration: two step objects and a block id, nothing else. */
    private static JsonObject storage(Body body) {
        if (!body.has("storage_configuration") || body.isExplicitNull("storage_configuration")) return null;
        Body s = body.object("storage_configuration");
        s.rejectUnknown(List.of("bundle_upload_step", "bundle_execution_step", "default_result_storage_block_id"));
        s.object("bundle_upload_step");
        s.object("bundle_execution_step");
        s.optionalString("default_result_storage_block_id").ifPresent(id ->
                Body.uuids(List.of(id), s.location("default_result_storage_block_id")));
        return s.json();
    }
}
