package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.platform.Timestamps;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Takes the events clients send: checks Prefect's required fields, then stores a batch in one transaction with one
 * statement, skipping ids already stored (a client re-sends what it has not seen confirmed; taking it twice would
 * double-count), and fires the new ones as {@link IngestedEvents} in that transaction.
 */
@ApplicationScoped
public class EventIntake {
    /**
     * The batch goes over as one JSON array of the events' wire texts, joined as they are (no escaping into SQL
     * arrays), and PostgreSQL takes each event's columns from its element.
     */
    private static final String INSERT_NEW = """
            insert into event (id, workspace_id, occurred, received, event, resource_id, resource, related, payload, follows)
            select (d ->> 'id')::uuid, ?, (d ->> 'occurred')::timestamptz, ?, d ->> 'event',
                   d -> 'resource' ->> 'prefect.resource.id', d -> 'resource', d -> 'related', d -> 'payload',
                   (d ->> 'follows')::uuid
            from jsonb_array_elements(?::jsonb) d
            on conflict (id) do nothing
            returning id""";

    @Inject
    Event<IngestedEvents> ingested;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** The fields of Prefect's Event, which a client sends; the server adds received. */
    private static final Set<String> WIRE_FIELDS = Set.of("id", "occurred", "event", "resource", "related", "payload", "follows");
    /** Prefect's default limit on event names (PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH), also the column's. */
    static final int MAX_NAME_LENGTH = 1024;
    /** The resource_id column. */
    static final int MAX_RESOURCE_ID_LENGTH = 1024;
    /** Python's datetime range, which Prefect's DateTime is bound to. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /**
     * An event frame as Prefect's schema has it.
     *
     * @throws IllegalArgumentException when it is not JSON or a required field is missing or malformed
     */
    public static RunEvent parse(UUID workspaceId, String text) {
        JsonObject event = Json.parseObject(text);
        String name = string(event, "event");
        if (name.length() > MAX_NAME_LENGTH) throw new IllegalArgumentException("event name longer than " + MAX_NAME_LENGTH);
        JsonObject resource = event.get("resource") instanceof JsonObject r ? r : null;
        if (resource == null || !(resource.get("prefect.resource.id") instanceof JsonString rid) || rid.getString().isEmpty()) {
            throw new IllegalArgumentException("resource needs a prefect.resource.id");
        }
        if (rid.getString().length() > MAX_RESOURCE_ID_LENGTH) {
            throw new IllegalArgumentException("prefect.resource.id longer than " + MAX_RESOURCE_ID_LENGTH);
        }
        JsonArray related = event.get("related") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        JsonObject payload = event.get("payload") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        UUID id = UUID.fromString(string(event, "id"));
        Instant occurred;
        try {
            occurred = Timestamps.parse(string(event, "occurred"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurred is not a date-time");
        }
        if (occurred.isBefore(EARLIEST) || occurred.isAfter(LATEST)) throw new IllegalArgumentException("occurred out of range");
        JsonValue followsValue = event.getOrDefault("follows", JsonValue.NULL);
        UUID follows = followsValue instanceof JsonString f ? UUID.fromString(f.getString()) : null;
        boolean wireShaped = event.size() == WIRE_FIELDS.size() && event.keySet().containsAll(WIRE_FIELDS)
                && event.get("related") instanceof JsonArray && event.get("payload") instanceof JsonObject
                && string(event, "id").equals(id.toString())
                && (follows == null ? followsValue == JsonValue.NULL : ((JsonString) followsValue).getString().equals(follows.toString()));
        return new RunEvent(workspaceId, id, occurred, name, resource, related, payload, follows, wireShaped ? text : null);
    }

    /** Stores the events not stored before; returns how many were new. */
    @Transactional
    public int store(UUID workspaceId, List<RunEvent> events) {
        if (events.isEmpty()) return 0;
        Instant received = Instant.now();
        List<RunEvent> fresh = em.unwrap(Session.class)
                .doReturningWork(connection -> insertNew(connection, workspaceId, events, received));
        if (!fresh.isEmpty()) ingested.fire(new IngestedEvents(workspaceId, fresh, received));
        return fresh.size();
    }

    private static List<RunEvent> insertNew(Connection connection, UUID workspaceId, List<RunEvent> events,
                                            Instant received) throws SQLException {
        List<UUID> inserted = new ArrayList<>(events.size());
        try (PreparedStatement insert = connection.prepareStatement(INSERT_NEW)) {
            insert.setObject(1, workspaceId);
            insert.setTimestamp(2, Timestamp.from(received));
            insert.setString(3, Json.joinArray(events, RunEvent::wire));
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) inserted.add(rs.getObject(1, UUID.class));
            }
        }
        // in arrival order; an id sent twice in one batch counts once
        List<RunEvent> fresh = new ArrayList<>(inserted.size());
        Set<UUID> isNew = new HashSet<>(inserted);
        for (RunEvent e : events) {
            if (isNew.remove(e.id())) fresh.add(e);
        }
        return fresh;
    }

    private static String string(JsonObject o, String key) {
        if (!(o.get(key) instanceof JsonString s)) throw new IllegalArgumentException(key + " is required");
        return s.getString();
    }
}
