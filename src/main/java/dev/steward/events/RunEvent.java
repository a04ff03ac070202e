package dev.steward.events;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * An event in Prefect's schema that is not an object's lifecycle: a run's state change emitted by the server (fired
 * on its own inside the transaction that records the change, stored there by {@link EventRecorder}) or an event a
 * client sent over {@code /events/in} (stored in batches by {@link EventIntake} and fired as {@link IngestedEvents}).
 * Published after commit by {@link EventPublisher}.
 *
 * <p>{@code frame} is the text a client sent, kept when it has exactly Prefect's seven fields (the client's usual
 * shape), so that publishing the event need not write it out again; null for an event the server made or a frame of
 * another shape, which is written out from the parsed parts. {@code texts} are the resource, related and payload as
 * the client wrote them, cut out of its frame, so that storing them need not write them out again either; null for
 * an event the server made (those are stored one by one by {@link EventRecorder}).
 */
public record RunEvent(UUID workspaceId, UUID id, Instant occurred, String name, JsonObject resource, JsonArray related,
                       JsonObject payload, UUID follows, String frame, Texts texts) {

    /** The JSON texts of an event's resource, related and payload. */
    public record Texts(String resource, String related, String payload) {}

    /** An event the server emits. */
    public RunEvent(UUID workspaceId, UUID id, Instant occurred, String name, JsonObject resource, JsonArray related,
                    JsonObject payload, UUID follows) {
        this(workspaceId, id, occurred, name, resource, related, payload, follows, null, null);
    }

    /** The event as JSON text, with Prefect's seven fields and no {@code received}. */
    public String wire() {
        return frame != null ? frame : Json.createObjectBuilder()
                .add("id", id.toString())
                .add("occurred", occurred.toString())
                .add("event", name)
                .add("resource", resource)
                .add("related", related)
                .add("payload", payload)
                .add("follows", Json.orNull(follows))
                .build().toString();
    }

    /** Prefect's wire form, with the time the server received it, as JSON text. */
    public String toJson(Instant received) {
        String text = wire();
        // the text is one JSON object: add the last field before its closing brace
        int end = text.lastIndexOf('}');
        return text.substring(0, end) + ",\"received\":\"" + received + "\"" + text.substring(end);
    }
}
