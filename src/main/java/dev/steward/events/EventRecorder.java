package dev.steward.events;

import dev.steward.platform.LifecycleChange;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;

/**
 * Writes the lifecycle event of a change into the event table in the change's own transaction (a synchronous
 * observer runs in the firing thread and transaction): a rolled-back change leaves no event, a committed one is
 * never missed. Delivery happens after commit in {@link EventPublisher}.
 */
@ApplicationScoped
public class EventRecorder {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    void record(@Observes LifecycleChange change) {
        em.persist(new StoredEvent(change.eventId(), change.occurred(), Instant.now(), change.eventName(),
                change.resourceId(), EventJson.resource(change).toString(), change.related().toString(),
                EventJson.payloadOf(change).toString(), null));
    }

    void record(@Observes RunEvent event) {
        em.persist(new StoredEvent(event.id(), event.occurred(), Instant.now(), event.name(),
                event.resource().getString("prefect.resource.id", ""), event.resource().toString(),
                event.related().toString(), event.payload().toString(), event.follows()));
    }
}
