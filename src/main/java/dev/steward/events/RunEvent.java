package dev.steward.events;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An event in Prefect's schema that is not an object's lifecycle: a run's state change emitted by the server (fired
 * on its own inside the transaction that records the change, stored there by {@link EventRecorder}) or an event a
 * client sent over {@code /events/in} (stored in batches by {@link EventIntake} and fired as {@link IngestedEvents}).
 * Published after commit by {@link EventPublisher}.
 */
public record RunEvent(UUID workspaceId, UUID id, Instant occurred, String name, JsonObject resource, JsonArray related,
                       JsonObject payload, UUID follows) {

    /** Prefect's wire form, with the time the server received it. */
    public JsonObject toJson(Instant received) {
        var b = dev.steward.platform.Json.createObjectBuilder()
                .add("id", id.toString())
                .add("occurred", occurred.toString())
                .add("event", name)
                .add("resource", resource)
                .add("related", related)
                .add("payload", payload)
                .add("received", received.toString());
        if (follows == null) b.addNull("follows"); else b.add("follows", follows.toString());
        return b.build();
    }
}
