package dev.steward.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/** Reads stored events of the current workspace by {@link EventCriteria}. */
@ApplicationScoped
public class EventStore {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    /** A page of events in Prefect's wire form, and the total that match. */
    public record Page(List<JsonObject> events, long total) {}

    @Transactional
    public Page find(EventCriteria criteria, int offset, int limit) {
        EventQuery query = new EventQuery(criteria);
        List<JsonObject> events = query.page(em, offset, limit).stream().map(EventJson::of).toList();
        return new Page(events, offset == 0 && events.size() < limit ? events.size() : query.count(em));
    }
}
