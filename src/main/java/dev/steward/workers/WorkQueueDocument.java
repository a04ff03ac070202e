package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Prefect's work queue document: the fields a create (WorkQueueCreate) and an update (WorkQueueUpdate) may send, how
 * their bodies are read (what a body leaves out is null, for the service's defaults), and its JSON:
 * WorkQueueResponse, WorkQueueStatusDetail and how its events name it. {@code filter} is accepted and ignored, as
 * Prefect 3 deprecated it.
 */
final class WorkQueueDocument {
    static final List<String> CREATE_FIELDS = List.of("name", "description", "is_paused", "concurrency_limit",
            "priority", "filter");
    static final List<String> UPDATE_FIELDS = List.of("name", "description", "is_paused", "concurrency_limit",
            "priority", "last_polled", "filter");
    /** The labels a queue's lifecycle event adds to its resource. */
    static final JsonObject EVENT_LABELS = Json.createObjectBuilder().add("prefect.resource.role", "work-queue")
            .build();

    private WorkQueueDocument() {}

    static WorkQueues.Spec readCreate(Body body) {
        body.rejectUnknown(CREATE_FIELDS);
        String name = WorkerRules.queueName(body.requiredString("name"), "name");
        return new WorkQueues.Spec(name, body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), WorkPoolDocument.concurrencyLimit(body),
                priority(body));
    }

    static WorkQueues.Update readUpdate(Body body) {
        body.rejectUnknown(UPDATE_FIELDS);
        String name = body.optionalString("name").map(n -> WorkerRules.queueName(n, "name")).orElse(null);
        return new WorkQueues.Update(name, body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), WorkPoolDocument.concurrencyLimit(body),
                body.isExplicitNull("concurrency_limit"), priority(body),
                body.optionalInstant("last_polled").orElse(null));
    }

    /** WorkQueueResponse, with the computed status and active slots (null: not counted). */
    static JsonObject write(WorkQueue q, String poolName, String status, Integer activeSlots) {
        return Json.createObjectBuilder()
                .add("id", q.getId().toString())
                .add("created", q.getCreated().toString())
                .add("updated", q.getUpdated().toString())
                .add("name", q.getName())
                .add("description", q.getDescription())
                .add("is_paused", q.isPaused())
                .add("concurrency_limit", Json.orNull(q.getConcurrencyLimit()))
                .add("priority", q.getPriority())
                .add("work_pool_id", q.getWorkPoolId().toString())
                .add("filter", JsonValue.NULL)
                .add("last_polled", Json.orNull(q.getLastPolled()))
                .add("work_pool_name", Json.orNull(poolName))
                .add("status", status)
                .add("active_slots", Json.orNull(activeSlots))
                .build();
    }

    /** WorkQueueStatusDetail: whether the queue is healthy under Prefect's policy, and the figures it judged. */
    static JsonObject writeStatus(boolean healthy, long lateRuns, Instant lastPolled, Duration readyWithin) {
        return Json.createObjectBuilder()
                .add("healthy", healthy)
                .add("late_runs_count", lateRuns)
                .add("last_polled", Json.orNull(lastPolled))
                .add("health_check_policy", Json.createObjectBuilder()
                        .add("maximum_late_runs", 0)
                        .add("maximum_seconds_since_last_polled", readyWithin.toSeconds()))
                .build();
    }

    /** A queue's status event's resource, as Prefect's work_queue_status_event names it. */
    static JsonObject statusResource(WorkQueue q) {
        return Json.createObjectBuilder(EVENT_LABELS).add("prefect.resource.id", "prefect.work-queue." + q.getId())
                .add("prefect.resource.name", q.getName()).build();
    }

    /** A queue event's related resource: its pool, as Prefect relates it. */
    static JsonArray eventRelated(WorkPool pool) {
        return Json.createArrayBuilder().add(WorkPoolDocument.relatedResource(pool)).build();
    }

    /** Prefect's priority: at least 1; null or left out is the first free one. */
    private static Integer priority(Body body) {
        return body.has("priority") && !body.isExplicitNull("priority")
                ? body.integer("priority", 1, 1, Integer.MAX_VALUE) : null;
    }
}
