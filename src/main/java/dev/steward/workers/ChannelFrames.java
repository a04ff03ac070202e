package dev.steward.workers;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem;
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
final class ChannelFrames {
    static final String VERSION = "work_pool_worker_channel.v1";
    static final String HEARTBEAT_CAPABILITY = "worker_heartbeat.v1";
    static final String SNAPSHOT_CAPABILITY = "work_pool_snapshot.v1";
    static final String CLEANUP_CAPABILITY = "cleanup_delivery.v1";
    static final Set<String> TYPES = Set.of("worker.hello.v1", "worker.ready.v1", "worker.heartbeat.v1",
            "work_pool.snapshot.v1", "cleanup.message.v1", "cleanup.ack.v1", "cleanup.release.v1", "cleanup.renew.v1",
            "cleanup.operation_result.v1");
    static final Set<String> CLEANUP_KINDS = Set.of("cancelling_timeout_teardown.v1", "pending_claim_teardown.v1");

    /** A frame that breaks the protocol. */
    static final class Violation extends Exception {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    /** A checked envelope: its type, id and payload. */
    record Frame(String type, UUID id, Body payload) {}

    record Hello(UUID consumerId, String workerName, String workerType, int heartbeatIntervalSeconds,
                 List<String> versions, List<String> capabilities, List<String> queueNames, boolean createPool,
                 JsonObject defaultBaseJobTemplate, List<String> cleanupKinds, int maxCleanupConcurrency) {
        /** Prefect's test: the capability asked for, with kinds to handle and room for at least one. */
        boolean wantsCleanup() {
            return capabilities.contains(CLEANUP_CAPABILITY) && !cleanupKinds.isEmpty() && maxCleanupConcurrency > 0;
        }
    }

    /** An ack, release or renew: the message, the delivery's token, and a release's reason. */
    record CleanupOp(String operation, UUID messageId, String token, String reason) {}

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

    /** A cleanup operation's payload (ack, release, renew). */
    static CleanupOp cleanupOperation(Frame f) throws Violation {
        return check(() -> {
            Body p = f.payload();
            boolean release = f.type().equals("cleanup.release.v1");
            p.rejectUnknown(release ? List.of("message_id", "reservation_token", "reason")
                    : List.of("message_id", "reservation_token"));
            String token = nonEmpty(p, "reservation_token");
            String reason = release ? nonEmpty(p, "reason") : null;
            String operation = f.type().substring("cleanup.".length(), f.type().length() - ".v1".length());
            return new CleanupOp(operation, p.requiredUuid("message_id"), token, reason);
        });
    }

    /** {@code cleanup.message.v1} for a reserved message (CleanupMessageFrame). */
    static JsonObject cleanupMessage(dev.steward.cleanup.CleanupMessage m) {
        return envelope("cleanup.message.v1", Json.createObjectBuilder()
                .add("message_id", m.messageId().toString())
                .add("reservation_token", m.reservationToken())
                .add("lease_expires_at", m.leaseExpiresAt().toString())
                .add("delivery_count", m.deliveryCount())
                .add("work_queue_id", m.workQueueId() == null ? JsonValue.NULL : Json.createValue(m.workQueueId().toString()))
                .add("data", m.data())
                .add("kind", m.kind())
                .add("target", m.target())
                .build());
    }

    /** {@code cleanup.operation_result.v1} answering the frame {@code requestId}. */
    static JsonObject operationResult(UUID requestId, UUID messageId, String operation, String status, String reason,
                                      Instant leaseExpiresAt) {
        return envelope("cleanup.operation_result.v1", Json.createObjectBuilder()
                .add("request_frame_id", requestId.toString()).add("message_id", messageId.toString())
                .add("operation", operation).add("status", status)
                .add("lease_expires_at", leaseExpiresAt == null ? JsonValue.NULL : Json.createValue(leaseExpiresAt.toString()))
                .add("reason", reason == null ? JsonValue.NULL : Json.createValue(reason))
                .addNull("detail")
                .build());
    }

    /** An envelope of {@code type} around {@code payload}, stamped now. */
    static JsonObject envelope(String type, JsonObject payload) {
        return Json.createObjectBuilder().add("type", type).add("id", UUID.randomUUID().toString())
                .add("sent_at", Instant.now().toString()).add("payload", payload).build();
    }


    private interface Check<T> {
        T run();
    }

    /** Runs field checks written with {@link Body}, whose 422s here mean a protocol violation. */
    private static <T> T check(Check<T> check) throws Violation {
        try {
            return check.run();
        } catch (Problem e) {
            throw new Violation(e.detail().toString());
        }
    }


    private static String nonEmpty(Body p, String field) {
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
