package dev.steward.cleanup;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One cleanup message as stored in Redis (one JSON string per message, the unit every transition watches): Prefect's
 * fields, its state in the queue, its current reservation, the dead letter's facts and, beyond Prefect, the history
 * of its deliveries. Mutable only inside {@link CleanupQueue}'s transitions; callers get it read-only.
 */
public final class CleanupMessage {
    /** Where a message is: waiting (possibly until a backoff has passed), out with a worker, done, or given up. */
    public enum State { VISIBLE, RESERVED, ACKED, DEAD }

    /**
     * One delivery: to which worker, when it was reserved and how it ended (acked, released, expired), with the
     * worker's reason.
     */
    public record Delivery(int attempt, String worker, Instant reservedAt, Instant endedAt, String outcome,
                           String reason) {}

    /** Why and when a message was given up, with its last reservation (Prefect's CleanupQueueDeadLetter). */
    public record DeadLetter(String reason, int finalDeliveryCount, Instant movedAt, String reservationToken,
                             Instant leaseExpiresAt, String releaseReason) {}

    final UUID messageId;
    final String idempotencyKey;
    final UUID workspaceId;
    final UUID workPoolId;
    final UUID workQueueId;
    final String kind;
    final JsonObject target;
    final JsonObject data;
    final Instant createdAt;
    Instant updatedAt;
    int deliveryCount;
    State state;
    Instant visibleAt;
    String reservationToken;
    /** The worker (by name) the current reservation was delivered to. */
    String reservedBy;
    Instant reservedAt;
    Instant leaseExpiresAt;
    Instant ackedAt;
    DeadLetter deadLetter;
    final List<Delivery> history;

    CleanupMessage(UUID messageId, String idempotencyKey, UUID workspaceId, UUID workPoolId, UUID workQueueId,
                   String kind, JsonObject target, JsonObject data, Instant now) {
        this.messageId = messageId;
        this.idempotencyKey = idempotencyKey;
        this.workspaceId = workspaceId;
        this.workPoolId = workPoolId;
        this.workQueueId = workQueueId;
        this.kind = kind;
        this.target = target;
        this.data = data;
        this.createdAt = now;
        this.updatedAt = now;
        this.state = State.VISIBLE;
        this.visibleAt = now;
        this.history = new ArrayList<>();
    }

    public UUID messageId() { return messageId; }
    public String idempotencyKey() { return idempotencyKey; }
    public UUID workPoolId() { return workPoolId; }
    public UUID workQueueId() { return workQueueId; }
    public String kind() { return kind; }
    public JsonObject target() { return target; }
    public JsonObject data() { return data; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
    public int deliveryCount() { return deliveryCount; }
    public State state() { return state; }
    public Instant visibleAt() { return visibleAt; }
    public String reservationToken() { return reservationToken; }
    public String reservedBy() { return reservedBy; }
    public Instant leaseExpiresAt() { return leaseExpiresAt; }
    public DeadLetter deadLetter() { return deadLetter; }
    public List<Delivery> history() { return List.copyOf(history); }

    /** Ends the current delivery in the history and drops the reservation. */
    void endDelivery(Instant now, String outcome, String reason) {
        history.add(new Delivery(deliveryCount, reservedBy, reservedAt, now, outcome, reason));
        reservationToken = null;
        reservedBy = null;
        reservedAt = null;
        leaseExpiresAt = null;
        updatedAt = now;
    }

    /** The API's view: Prefect's message fields plus Steward's state, history and dead letter. */
    public JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("message_id", messageId.toString())
                .add("idempotency_key", idempotencyKey)
                .add("workspace_id", workspaceId.toString())
                .add("work_pool_id", workPoolId.toString())
                .add("work_queue_id", Json.orNull(workQueueId))
                .add("kind", kind)
                .add("target", target)
                .add("data", data)
                .add("created_at", createdAt.toString())
                .add("updated_at", updatedAt.toString())
                .add("delivery_count", deliveryCount)
                .add("state", state.name().toLowerCase())
                .add("visible_at", Json.orNull(visibleAt))
                .add("reservation_token", Json.orNull(reservationToken))
                .add("reserved_by", Json.orNull(reservedBy))
                .add("reserved_at", Json.orNull(reservedAt))
                .add("lease_expires_at", Json.orNull(leaseExpiresAt))
                .add("acked_at", Json.orNull(ackedAt));
        JsonArrayBuilder h = Json.createArrayBuilder();
        for (Delivery d : history) {
            h.add(Json.createObjectBuilder().add("attempt", d.attempt()).add("worker", Json.orNull(d.worker()))
                    .add("reserved_at", Json.orNull(d.reservedAt()))
                    .add("ended_at", Json.orNull(d.endedAt())).add("outcome", d.outcome()).add("reason", Json.orNull(d.reason())));
        }
        b.add("history", h);
        if (deadLetter == null) {
            b.add("dead_letter", JsonValue.NULL);
        } else {
            b.add("dead_letter", Json.createObjectBuilder().add("reason", deadLetter.reason())
                    .add("final_delivery_count", deadLetter.finalDeliveryCount())
                    .add("moved_at", deadLetter.movedAt().toString())
                    .add("reservation_token", Json.orNull(deadLetter.reservationToken()))
                    .add("lease_expires_at", Json.orNull(deadLetter.leaseExpiresAt()))
                    .add("release_reason", Json.orNull(deadLetter.releaseReason())));
        }
        return b.build();
    }

    String serialize() {
        return toJson().toString();
    }

    static CleanupMessage parse(String text) {
        JsonObject o = Json.parseObject(text);
        CleanupMessage m = new CleanupMessage(UUID.fromString(o.getString("message_id")),
                o.getString("idempotency_key"), UUID.fromString(o.getString("workspace_id")),
                UUID.fromString(o.getString("work_pool_id")), uuid(o, "work_queue_id"), o.getString("kind"),
                o.getJsonObject("target"), o.getJsonObject("data"), Instant.parse(o.getString("created_at")));
        m.updatedAt = Instant.parse(o.getString("updated_at"));
        m.deliveryCount = o.getInt("delivery_count");
        m.state = State.valueOf(o.getString("state").toUpperCase());
        m.visibleAt = instant(o, "visible_at");
        m.reservationToken = string(o, "reservation_token");
        m.reservedBy = string(o, "reserved_by");
        m.reservedAt = instant(o, "reserved_at");
        m.leaseExpiresAt = instant(o, "lease_expires_at");
        m.ackedAt = instant(o, "acked_at");
        // Redis's Lua JSON library writes an empty list as {} (the queue's scripts store messages too)
        JsonArray h = o.get("history") instanceof JsonArray list ? list : JsonValue.EMPTY_JSON_ARRAY;
        for (JsonValue v : h) {
            JsonObject d = v.asJsonObject();
            m.history.add(new Delivery(d.getInt("attempt"), string(d, "worker"), instant(d, "reserved_at"), instant(d, "ended_at"),
                    d.getString("outcome"), string(d, "reason")));
        }
        if (o.get("dead_letter") instanceof JsonObject d) {
            m.deadLetter = new DeadLetter(d.getString("reason"), d.getInt("final_delivery_count"),
                    Instant.parse(d.getString("moved_at")), string(d, "reservation_token"),
                    instant(d, "lease_expires_at"), string(d, "release_reason"));
        }
        return m;
    }

    /** Null when absent too: messages stored before a field existed still parse. */
    private static String string(JsonObject o, String name) {
        return !o.containsKey(name) || o.isNull(name) ? null : o.getString(name);
    }

    private static Instant instant(JsonObject o, String name) {
        String s = string(o, name);
        return s == null ? null : Instant.parse(s);
    }

    private static UUID uuid(JsonObject o, String name) {
        String s = string(o, name);
        return s == null ? null : UUID.fromString(s);
    }
}
