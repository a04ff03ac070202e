package dev.steward.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Takes events sent by clients: checks Prefect's required fields and fires them as {@link RunEvent}s, committed;
 * an event id already stored is taken once only.
 */
@ApplicationScoped
public class EventIntake {
    @Inject
    Event<RunEvent> events;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** @throws IllegalArgumentException when a required field is missing or malformed */
    @Transactional
    public void accept(UUID workspaceId, JsonObject event) {
        String name = string(event, "event");
        JsonObject resource = event.get("resource") instanceof JsonObject r ? r : null;
        if (resource == null || !(resource.get("prefect.resource.id") instanceof JsonString rid) || rid.getString().isEmpty()) {
            throw new IllegalArgumentException("resource needs a prefect.resource.id");
        }
        JsonArray related = event.get("related") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        JsonObject payload = event.get("payload") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        UUID id = UUID.fromString(string(event, "id"));
        if (em.find(StoredEvent.class, id) != null) {
            return; // a client re-sends what it has not seen confirmed: taking it twice would double-count
        }
        Instant occurred = OffsetDateTime.parse(string(event, "occurred")).toInstant();
        UUID follows = event.get("follows") instanceof JsonString f ? UUID.fromString(f.getString()) : null;
        events.fire(new RunEvent(workspaceId, id, occurred, name, resource, related, payload, follows));
    }

    private static String string(JsonObject o, String key) {
        if (!(o.get(key) instanceof JsonString s)) throw new IllegalArgumentException(key + " is required");
        return s.getString();
    }
}
