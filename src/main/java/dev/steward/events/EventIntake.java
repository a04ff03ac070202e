package dev.steward.events;

import dev.steward.platform.BinaryCopy;
import dev.steward.platform.Json;
import dev.steward.platform.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Takes the events clients send: checks Prefect's required fields, then stores a batch in one transaction, by COPY,
 * skipping ids already stored in the workspace (a client re-sends what it has not seen confirmed; taking it twice
 * would double-count), and fires the new ones as {@link IngestedEvents} in that transaction. Ids are the client's,
 * so they are unique per workspace only: another workspace's event with the same id is another event.
 */
@ApplicationScoped
public class EventIntake {
    private static final String INSERT_NEW = """
            insert into event (id, workspace_id, occurred, received, event, resource_id, resource, related, payload, follows)
            select (d ->> 'id')::uuid, ?, (d ->> 'occurred')::timestamptz, ?, d ->> 'event',
                   d -> 'resource' ->> 'prefect.resource.id', d -> 'resource', d -> 'related', d -> 'payload',
                   (d ->> 'follows')::uuid
            from jsonb_array_elements(?::jsonb) d
            on conflict (workspace_id, id) do nothing
            returning id""";
    private static final String COPY_EVENTS = "copy event (id, workspace_id, occurred, received, event, resource_id, "
            + "resource, related, payload, follows) from stdin (format binary)";
    private static final int COPY_BUFFER = 256 * 1024;

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
     * <p>Read with JSON-P's streaming parser rather than into one tree, so that the resource, related and payload can
     * also be cut out of the frame as the client wrote them (the parser's stream offsets), to be stored as they are.
     *
     * @throws IllegalArgumentException when it is not JSON or a required field is missing or malformed
     */
    public static RunEvent parse(UUID workspaceId, String text) {
        Map<String, JsonValue> fields = new HashMap<>(16);
        Map<String, String> cut = new HashMap<>(4);
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) throw new IllegalArgumentException("not a JSON object");
            JsonParser.Event e;
            while ((e = parser.next()) == JsonParser.Event.KEY_NAME) {
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if (value == JsonParser.Event.START_OBJECT || value == JsonParser.Event.START_ARRAY) {
                    long from = parser.getLocation().getStreamOffset() - 1; // just after the opening bracket
                    fields.put(key, value == JsonParser.Event.START_OBJECT ? parser.getObject() : parser.getArray());
                    long to = parser.getLocation().getStreamOffset();
                    boolean part = value == JsonParser.Event.START_ARRAY ? key.equals("related")
                            : key.equals("resource") || key.equals("payload");
                    if (part) cut.put(key, span(text, from, to));
                    else cut.remove(key);
                } else {
                    fields.put(key, parser.getValue());
                    cut.remove(key);
                }
            }
            if (e != JsonParser.Event.END_OBJECT || parser.hasNext()) throw new IllegalArgumentException("not one JSON object");
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) { // JSON-P's parsing exceptions, and a plain one for nesting beyond its limit
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        String name = string(fields, "event");
        if (name.length() > MAX_NAME_LENGTH) throw new IllegalArgumentException("event name longer than " + MAX_NAME_LENGTH);
        JsonObject resource = fields.get("resource") instanceof JsonObject r ? r : null;
        if (resource == null || !(resource.get("prefect.resource.id") instanceof JsonString rid) || rid.getString().isEmpty()) {
            throw new IllegalArgumentException("resource needs a prefect.resource.id");
        }
        if (rid.getString().length() > MAX_RESOURCE_ID_LENGTH) {
            throw new IllegalArgumentException("prefect.resource.id longer than " + MAX_RESOURCE_ID_LENGTH);
        }
        JsonArray related = fields.get("related") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        JsonObject payload = fields.get("payload") instanceof JsonObject p ? p : JsonValue.EMPTY_JSON_OBJECT;
        UUID id = UUID.fromString(string(fields, "id"));
        Instant occurred;
        try {
            occurred = Timestamps.parse(string(fields, "occurred"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurred is not a date-time");
        }
        if (occurred.isBefore(EARLIEST) || occurred.isAfter(LATEST)) throw new IllegalArgumentException("occurred out of range");
        JsonValue followsValue = fields.getOrDefault("follows", JsonValue.NULL);
        UUID follows = followsValue instanceof JsonString f ? UUID.fromString(f.getString()) : null;
        boolean wireShaped = fields.size() == WIRE_FIELDS.size() && fields.keySet().containsAll(WIRE_FIELDS)
                && fields.get("related") instanceof JsonArray && fields.get("payload") instanceof JsonObject
                && string(fields, "id").equals(id.toString())
                && (follows == null ? followsValue == JsonValue.NULL : ((JsonString) followsValue).getString().equals(follows.toString()));
        RunEvent.Texts texts = new RunEvent.Texts(textOf(cut, "resource", resource), textOf(cut, "related", related),
                textOf(cut, "payload", payload));
        return new RunEvent(workspaceId, id, occurred, name, resource, related, payload, follows,
                wireShaped ? text : null, texts);
    }

    /** The part as the client wrote it, or, when it was left out or of another type, the value taken instead. */
    private static String textOf(Map<String, String> cut, String key, JsonValue taken) {
        String text = cut.get(key);
        return text != null ? text : taken.toString();
    }

    /** The text of a value between two parser offsets, or null when the offsets do not frame it (then it is written out). */
    private static String span(String text, long from, long to) {
        if (from < 0 || to > text.length() || from >= to) return null;
        char open = text.charAt((int) from), close = text.charAt((int) to - 1);
        return (open == '{' && close == '}') || (open == '[' && close == ']') ? text.substring((int) from, (int) to) : null;
    }

    /**
     * Stores the events not stored before; returns how many were new.
     *
     * @param byCopy true for the fast path, COPY ({@link #copyNew}), which fails when another connection stores
     *               some of the same events at the same moment ({@link #isConflict}); false for an INSERT that skips
     *               them, for the batch's second try
     */
    @Transactional
    public int store(UUID workspaceId, List<RunEvent> events, boolean byCopy) {
        if (events.isEmpty()) return 0;
        Instant received = Instant.now();
        List<RunEvent> fresh = em.unwrap(Session.class).doReturningWork(connection ->
                write(connection, workspaceId, events, byCopy, received));
        if (!fresh.isEmpty()) ingested.fire(new IngestedEvents(workspaceId, fresh, received));
        return fresh.size();
    }

    /**
     * The storing part of {@link #store} on a transaction's connection, without firing: the events new to the
     * workspace, written. (Public for the task-run recorder's tests, which feed it what this stored.)
     */
    public static List<RunEvent> write(Connection connection, UUID workspaceId, List<RunEvent> events, boolean byCopy,
                                Instant received) throws SQLException {
        return byCopy ? copyNew(connection, workspaceId, events, received) : insertNew(connection, workspaceId, events, received);
    }

    /**
     * The events whose ids are not stored yet, each id once, in arrival order, written with COPY: PostgreSQL's bulk
     * path, which skips the per-row work of an INSERT and grows the table in large steps (about a third less of the
     * database's CPU per event than {@link #insertNew}). COPY has no ON CONFLICT, so the ids already stored are looked
     * up first; an event another connection is storing at the same moment makes the COPY fail on the primary key.
     */
    private static List<RunEvent> copyNew(Connection connection, UUID workspaceId, List<RunEvent> events,
                                          Instant received) throws SQLException {
        Map<UUID, RunEvent> byId = new LinkedHashMap<>();
        for (RunEvent e : events) byId.putIfAbsent(e.id(), e);
        try (PreparedStatement stored = connection.prepareStatement(
                "select id from event where workspace_id = ? and id = any(?)")) {
            stored.setObject(1, workspaceId);
            stored.setArray(2, connection.createArrayOf("uuid", byId.keySet().toArray()));
            try (ResultSet rs = stored.executeQuery()) {
                while (rs.next()) byId.remove(rs.getObject(1, UUID.class));
            }
        }
        List<RunEvent> fresh = new ArrayList<>(byId.values());
        if (fresh.isEmpty()) return fresh;
        BinaryCopy.copy(connection, COPY_EVENTS, COPY_BUFFER, row -> {
            for (RunEvent e : fresh) {
                RunEvent.Texts texts = e.texts(); // set by parse for every event that comes this way
                row.start(10).uuid(e.id()).uuid(workspaceId).timestamptz(e.occurred()).timestamptz(received)
                        .text(e.name()).text(e.resource().getString("prefect.resource.id"))
                        .jsonb(texts.resource()).jsonb(texts.related()).jsonb(texts.payload()).uuid(e.follows());
            }
        });
        return fresh;
    }

    /**
     * The events not stored yet by one INSERT that skips the ids already there, also those another connection is
     * storing at the same moment (it waits for that one's commit). The batch goes over as one JSON array of the events'
     * wire texts and PostgreSQL takes each event's columns from its element.
     */
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

    /**
     * Another connection stored some of the batch's events between the lookup and the COPY (a unique violation, or a
     * deadlock when two batches wait on each other's new rows): the batch's transaction is rolled back, and the batch
     * is stored again with {@link #insertNew}.
     */
    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String string(Map<String, JsonValue> o, String key) {
        if (!(o.get(key) instanceof JsonString s)) throw new IllegalArgumentException(key + " is required");
        return s.getString();
    }
}
