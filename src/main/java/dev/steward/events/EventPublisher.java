package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Redis;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;

/**
 * After a change commits, publishes its event on the workspace's Redis channel, from where every instance's
 * {@link EventBus} hands it to its local listeners (the console's live views). Only committed changes get here.
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class.getName());
    static final String CHANNEL_PREFIX = "steward:events:";

    @Inject
    Redis redis;

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) LifecycleChange change) {
        String message = Json.createObjectBuilder()
                .add("id", change.eventId().toString())
                .add("occurred", change.occurred().toString())
                .add("event", change.eventName())
                .add("resource", EventJson.resource(change))
                .add("related", change.related())
                .add("payload", EventJson.payloadOf(change))
                .add("received", Instant.now().toString())
                .addNull("follows")
                .build().toString();
        publish(change.workspaceId(), change.eventName(), message);
    }

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvent event) {
        publish(event.workspaceId(), event.name(), event.toJson(Instant.now()));
    }

    /** A batch from /events/in, pipelined: one round trip to Redis however many events it holds. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) IngestedEvents batch) {
        String channel = CHANNEL_PREFIX + batch.workspaceId();
        try (AbstractPipeline pipeline = redis.pool().pipelined()) {
            for (RunEvent event : batch.events()) {
                pipeline.publish(channel, event.toJson(batch.received()));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not publish " + batch.events().size() + " events to Redis: " + e.getMessage());
        }
    }

    private void publish(java.util.UUID workspaceId, String name, String message) {
        try {
            redis.pool().publish(CHANNEL_PREFIX + workspaceId, message);
        } catch (RuntimeException e) {
            // the event is stored; only live delivery is lost while Redis is away
            LOG.log(Level.WARNING, "Could not publish " + name + " to Redis: " + e.getMessage());
        }
    }
}
