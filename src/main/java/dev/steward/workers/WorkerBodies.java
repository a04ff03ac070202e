package dev.steward.workers;

import dev.steward.platform.Body;
import jakarta.json.JsonObject;
import java.util.List;

/** Request bodies of the pool and queue API read into specs and updates, with Prefect's 422s. */
final class WorkerBodies {
    private WorkerBodies() {}

    static WorkPools.Spec poolCreate(Body body) {
        body.rejectUnknown(List.of("name", "description", "type", "base_job_template", "is_paused", "concurrency_limit",
                "storage_configuration"));
        String name = WorkerRules.poolName(body.requiredString("name"), "name");
        return new WorkPools.Spec(name, body.optionalString("description").orElse(null),
                body.optionalString("type").map(t -> WorkerRules.bounded(t, "type")).orElse(null), template(body), body.optionalBoolean("is_paused").orElse(false),
                limit(body), storage(body));
    }

    static WorkPools.Update poolUpdate(Body body) {
        body.rejectUnknown(List.of("description", "is_paused", "base_job_template", "concurrency_limit",
                "storage_configuration"));
        boolean onlyPauseOrLimit = body.json().keySet().stream().allMatch(k -> k.equals("is_paused") || k.equals("concurrency_limit"));
        return new WorkPools.Update(body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), template(body), limit(body),
                body.isExplicitNull("concurrency_limit"), storage(body), onlyPauseOrLimit);
    }

    static WorkQueues.Spec queueCreate(Body body) {
        body.rejectUnknown(List.of("name", "description", "is_paused", "concurrency_limit", "priority", "filter"));
        String name = WorkerRules.queueName(body.requiredString("name"), "name");
        return new WorkQueues.Spec(name, body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), limit(body), priority(body));
    }

    static WorkQueues.Update queueUpdate(Body body) {
        body.rejectUnknown(List.of("name", "description", "is_paused", "concurrency_limit", "priority", "last_polled",
                "filter"));
        String name = body.optionalString("name").map(n -> WorkerRules.queueName(n, "name")).orElse(null);
        return new WorkQueues.Update(name, body.optionalString("description").orElse(null),
                body.optionalBoolean("is_paused").orElse(null), limit(body), body.isExplicitNull("concurrency_limit"),
                priority(body), body.optionalInstant("last_polled").orElse(null));
    }

    private static JsonObject template(Body body) {
        return body.has("base_job_template") && !body.isExplicitNull("base_job_template")
                ? body.object("base_job_template").json() : null;
    }

    private static Integer limit(Body body) {
        return body.has("concurrency_limit") && !body.isExplicitNull("concurrency_limit")
                ? body.integer("concurrency_limit", 0, 0, Integer.MAX_VALUE) : null;
    }

    private static Integer priority(Body body) {
        return body.has("priority") && !body.isExplicitNull("priority")
                ? body.integer("priority", 1, 1, Integer.MAX_VALUE) : null;
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

    /** Prefect's paging body: limit (at most 200) and offset (at least 0). */
    static int offset(Body body) {
        return body.integer("offset", 0, 0, Integer.MAX_VALUE);
    }
}
