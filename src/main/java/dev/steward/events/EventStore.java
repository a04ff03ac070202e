package dev.steward.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.stream.Stream;

/** Reads and counts stored events of the current workspace by {@link EventCriteria}. */
@ApplicationScoped
public class EventStore {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A page of events in Prefect's wire form, and the total that match. */
    public record Page(List<JsonObject> events, long total) {}

    /** {@code POST /events/count-by/{countable}} (see {@link EventCounts}). */
    @Transactional
    public JsonArray countBy(EventCriteria criteria, EventCounts.Countable countable, EventCounts.TimeUnit unit,
                             double interval) {
        return EventCounts.count(em, criteria, countable, unit, interval, java.time.Instant.now());
    }

    /**
     * The first {@code limit} events that match, in the criteria's order, read as the stream is consumed (see
     * {@link EventQuery#stream}). Call it inside a transaction of the caller's, which the stream must not outlive.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Stream<JsonObject> stream(EventCriteria criteria, int limit) {
        return new EventQuery(criteria).stream(em, limit);
    }

    @Transactional
    public Page find(EventCriteria criteria, int offset, int limit) {
        EventQuery query = new EventQuery(criteria);
        List<JsonObject> events = query.page(em, offset, limit).stream().map(EventJson::of).toList();
        return new Page(events, offset == 0 && events.size() < limit ? events.size() : query.count(em));
    }
}
