package dev.steward.platform;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.UUID;

/**
 * A created, updated or deleted object, fired as a CDI event by the service that made the change, inside its
 * transaction. Observers in the same transaction record the event and the audit record; others act after commit.
 *
 * @param namespace {@code prefect} for kinds Prefect's API knows (variable, flow, ...), {@code steward} for ours
 * @param payload   what the event carries (Prefect's shape for its kinds); {@code before}/{@code after} go to audit
 * @param labels    resource labels beside the id and name (e.g. {@code prefect.work-pool.type}), as Prefect sets them
 * @param related   the event's related resources, as Prefect lists them for the kind
 */
public record LifecycleChange(UUID eventId, Instant occurred, UUID workspaceId, String namespace, String kind,
                              Action action, UUID objectId, String objectName, JsonValue before, JsonValue after,
                              JsonValue payload, JsonObject labels, JsonArray related) {

    public enum Action {
        CREATED, UPDATED, DELETED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static LifecycleChange created(UUID workspaceId, String namespace, String kind, UUID id, String name,
                                          JsonValue after, JsonValue payload) {
        return new LifecycleChange(UUID.randomUUID(), Instant.now(), workspaceId, namespace, kind, Action.CREATED, id,
                name, JsonValue.NULL, after, payload, JsonValue.EMPTY_JSON_OBJECT, JsonValue.EMPTY_JSON_ARRAY);
    }

    public static LifecycleChange updated(UUID workspaceId, String namespace, String kind, UUID id, String name,
                                          JsonValue before, JsonValue after, JsonValue payload) {
        return new LifecycleChange(UUID.randomUUID(), Instant.now(), workspaceId, namespace, kind, Action.UPDATED, id,
                name, before, after, payload, JsonValue.EMPTY_JSON_OBJECT, JsonValue.EMPTY_JSON_ARRAY);
    }

    public static LifecycleChange deleted(UUID workspaceId, String namespace, String kind, UUID id, String name,
                                          JsonValue before, JsonValue payload) {
        return new LifecycleChange(UUID.randomUUID(), Instant.now(), workspaceId, namespace, kind, Action.DELETED, id,
                name, before, JsonValue.NULL, payload, JsonValue.EMPTY_JSON_OBJECT, JsonValue.EMPTY_JSON_ARRAY);
    }

    /** This change with resource labels and related resources beside the defaults (none). */
    public LifecycleChange withResource(JsonObject labels, JsonArray related) {
        return new LifecycleChange(eventId, occurred, workspaceId, namespace, kind, action, objectId, objectName, before,
                after, payload, labels, related);
    }

    /** e.g. {@code prefect.variable.created} */
    public String eventName() {
        return namespace + "." + kind + "." + action.wireName();
    }

    /** e.g. {@code prefect.variable.0b6e…} */
    public String resourceId() {
        return namespace + "." + kind + "." + objectId;
    }
}
