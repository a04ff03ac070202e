package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/** Prefect's wire form of an event: {id, occurred, event, resource, related, payload, received, follows}. */
public final class EventJson {
    private EventJson() {}

    public static JsonObject of(StoredEvent e) {
        JsonObjectBuilder b = dev.steward.platform.Json.createObjectBuilder()
                .add("id", e.getId().toString())
                .add("occurred", e.getOccurred().toString())
                .add("event", e.getName())
                .add("resource", Json.parse(e.getResource()))
                .add("related", Json.parse(e.getRelated()))
                .add("payload", Json.parse(e.getPayload()))
                .add("received", e.getReceived().toString());
        if (e.getFollows() == null) b.addNull("follows"); else b.add("follows", e.getFollows().toString());
        return b.build();
    }

    /** The resource labels of a lifecycle change: its id, where it has one its name, and the kind's own labels. */
    static JsonObject resource(LifecycleChange change) {
        JsonObjectBuilder b = dev.steward.platform.Json.createObjectBuilder().add("prefect.resource.id", change.resourceId());
        if (change.objectName() != null) b.add("prefect.resource.name", change.objectName());
        change.labels().forEach(b::add);
        return b.build();
    }

    static JsonValue payloadOf(LifecycleChange change) {
        return change.payload() == null ? JsonValue.EMPTY_JSON_OBJECT : change.payload();
    }
}
