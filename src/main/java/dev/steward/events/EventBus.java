package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import dev.steward.platform.RedisSubscription;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.JedisPubSub;

/**
 * This instance's listeners for committed events, fed by one Redis pattern subscription, so a change made on any
 * instance reaches the console views open on every instance. Reconnects by itself when Redis restarts.
 */
@ApplicationScoped
public class EventBus {
    private static final Logger LOG = Logger.getLogger(EventBus.class.getName());

    @Inject
    Redis redis;

    @Resource
    ManagedThreadFactory threads;

    private final Map<UUID, Set<Consumer<JsonObject>>> listeners = new ConcurrentHashMap<>();
    private volatile RedisSubscription subscription;

    /** Stops listening when closed. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    public Registration listen(UUID workspaceId, Consumer<JsonObject> listener) {
        listeners.computeIfAbsent(workspaceId, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.getOrDefault(workspaceId, Set.of()).remove(listener);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        subscription = RedisSubscription.start(threads, redis, "Event subscription", () -> new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                deliver(channel, message);
            }
        }, (jedis, sub) -> jedis.psubscribe(sub, EventPublisher.CHANNEL_PREFIX + "*"));
    }

    private void deliver(String channel, String message) {
        UUID workspaceId;
        try {
            workspaceId = UUID.fromString(channel.substring(EventPublisher.CHANNEL_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return;
        }
        Set<Consumer<JsonObject>> targets = listeners.get(workspaceId);
        if (targets == null || targets.isEmpty()) return;
        JsonObject event = Json.parseObject(message);
        for (Consumer<JsonObject> listener : targets) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Event listener failed", e);
            }
        }
    }

    @PreDestroy
    void stop() {
        if (subscription != null) subscription.stop();
    }
}
