package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The worker channel's frames as Prefect 3.9.1 defines them (client/schemas/worker_channel.py): an envelope
 * {@code {type, id, sent_at, payload}} with no other field, and each type's payload checked as strictly as Prefect's
 * models (extra fields refused). A frame that does not pass is a {@link Violation}: the channel closes with 1002.
 */
public final class ChannelFrames {
    static final String VERSION = "work_pool_worker_channel.v1";
    static final String HEARTBEAT_CAPABILITY = "worker_heartbeat.v1";
    static final String SNAPSHOT_CAPABILITY = "work_pool_snapshot.v1";
    static final String CLEANUP_CAPABILITY = "cleanup_delivery.v1";
    static final Set<String> TYPES = Set.of("worker.hello.v1", "worker.ready.v1", "worker.heartbeat.v1",
            "work_pool.snapshot.v1", "cleanup.message.v1", "cleanup.ack.v1", "cleanup.release.v1", "cleanup.renew.v1",
            "cleanup.operation_result.v1");
    static final Set<String> CLEANUP_KINDS = Set.of("cancelling_timeout_teardown.v1", "pending_claim_teardown.v1");

    /** A frame that breaks the protocol. */
    public static final class Violation extends Exception {
        public Violation(String message) {
            super(message, null, false, false);
        }
    }

    /** A checked envelope: its type, id and payload. */
    public record Frame(String type, UUID id, Body payload) {}

    record Hello(UUID consumerId, String workerName, String workerType, int heartbeatIntervalSeconds,
                 List<String> versions, List<String> capabilities, List<String> queueNames, boolean createPool,
                 JsonObject defaultBaseJobTemplate, List<String> cleanupKinds, int maxCleanupConcurrency) {
        /** Prefect's test: the capability asked for, with kinds to handle and room for at least one. */
        boolean wantsCleanup() {
            return capabilities.contains(CLEANUP_CAPABILITY) && !cleanupKinds.isEmpty() && maxCleanupConcurrency > 0;
        }
    }

    record Heartbeat(UUID consumerId, String workerName, int heartbeatIntervalSeconds) {}

    private ChannelFrames() {}

    /** Parses text into a frame of a known type with a well-formed envelope. */
    static Frame frame(String text) throws Violation {
        JsonValue value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Violation("invalid JSON");
        }
        if (!(value instanceof JsonObject o)) throw new Violation("a frame is a JSON object");
        return check(() -> {
            Body.refuseNul(text, "frame"); // names and texts of a frame reach PostgreSQL, which cannot store a NUL
            Body body = Body.of(o);
            body.rejectUnknown(List.of("type", "id", "sent_at", "payload"));
            String type = body.requiredString("type");
            if (!TYPES.contains(type)) throw InvalidInput.field("type", "unknown frame type");
            UUID id = Body.uuids(List.of(body.requiredString("id")), "id").get(0);
            body.requiredInstant("sent_at");
            if (!(o.get("payload") instanceof JsonObject)) throw InvalidInput.missing("payload");
            return new Frame(type, id, body.object("payload"));
        });
    }

    static Hello hello(Frame f) throws Violation {
        return check(() -> {
            Body p = f.payload();
            p.rejectUnknown(List.of("consumer_id", "worker_name", "worker_type", "heartbeat_interval_seconds",
                    "supported_channel_versions", "requested_capabilities", "work_queue_names", "handled_cleanup_kinds",
                    "max_cleanup_concurrency", "create_pool_if_not_found", "default_base_job_template", "worker_metadata"));
            UUID consumer = p.requiredUuid("consumer_id");
            String name = WorkerRules.bounded(nonEmpty(p, "worker_name"), "worker_name");
            String type = WorkerRules.bounded(nonEmpty(p, "worker_type"), "worker_type");
            int interval = requiredInt(p, "heartbeat_interval_seconds", 1);
            List<String> versions = nonEmptyList(p, "supported_channel_versions");
            List<String> capabilities = nonEmptyList(p, "requested_capabilities");
            List<String> queues = p.optionalStrings("work_queue_names").orElse(List.of());
            for (String q : queues) if (q.isEmpty()) throw InvalidInput.field("work_queue_names", "empty name");
            List<String> kinds = p.optionalStrings("handled_cleanup_kinds").orElse(List.of());
            for (String k : kinds) if (!CLEANUP_KINDS.contains(k)) throw InvalidInput.field("handled_cleanup_kinds", "unknown kind");
            int maxCleanup = p.integer("max_cleanup_concurrency", 0, 0, Integer.MAX_VALUE);
            boolean create = p.optionalBoolean("create_pool_if_not_found").orElse(false);
            JsonObject template = p.object("default_base_job_template").json();
            if (p.has("worker_metadata")) p.object("worker_metadata");
            if (!capabilities.contains(HEARTBEAT_CAPABILITY) || !capabilities.contains(SNAPSHOT_CAPABILITY)) {
                throw InvalidInput.field("requested_capabilities", "Missing required channel capabilities");
            }
            if (!capabilities.contains(CLEANUP_CAPABILITY) && (!kinds.isEmpty() || maxCleanup > 0)) {
                throw InvalidInput.field("handled_cleanup_kinds", "requires cleanup_delivery.v1");
            }
            // Prefect's client model: a worker that names kinds but no concurrency handles one at a time
            if (!p.has("max_cleanup_concurrency") && !kinds.isEmpty() && capabilities.contains(CLEANUP_CAPABILITY)) {
                maxCleanup = 1;
            }
            return new Hello(consumer, name, type, interval, versions, capabilities, queues, create, template, kinds,
                    maxCleanup);
        });
    }

    static Heartbeat heartbeat(Frame f) throws Violation {
        return check(() -> {
            Body p = f.payload();
            p.rejectUnknown(List.of("consumer_id", "worker_name", "heartbeat_interval_seconds"));
            return new Heartbeat(p.requiredUuid("consumer_id"), nonEmpty(p, "worker_name"),
                    requiredInt(p, "heartbeat_interval_seconds", 1));
        });
    }

    /** An envelope of {@code type} around {@code payload}, stamped now. */
    public static JsonObject envelope(String type, JsonObject payload) {
        return Json.createObjectBuilder().add("type", type).add("id", UUID.randomUUID().toString())
                .add("sent_at", Instant.now().toString()).add("payload", payload).build();
    }

    /** Field checks of a payload, written with {@link Body}. */
    public interface Check<T> {
        T run();
    }

    /** Runs field checks written with {@link Body}, whose refusals here mean a protocol violation. */
    public static <T> T check(Check<T> check) throws Violation {
        try {
            return check.run();
        } catch (Problem e) {
            throw new Violation(e.detail().toString());
        }
    }


    public static String nonEmpty(Body p, String field) {
        String s = p.requiredString(field);
        if (s.isEmpty()) throw InvalidInput.field(field, "String should have at least 1 character");
        return s;
    }

    private static int requiredInt(Body p, String field, int min) {
        if (!p.has(field) || p.isExplicitNull(field)) throw InvalidInput.missing(field);
        return p.integer(field, min, min, Integer.MAX_VALUE);
    }

    private static List<String> nonEmptyList(Body p, String field) {
        List<String> values = p.optionalStrings(field).orElseThrow(() -> InvalidInput.missing(field));
        if (values.isEmpty()) throw InvalidInput.field(field, "List should have at least 1 item");
        for (String v : values) if (v.isEmpty()) throw InvalidInput.field(field, "String should have at least 1 character");
        return values;
    }
}
