package dev.steward.platform;

import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * One Redis subscription kept alive on a thread of its own (Jedis blocks the caller of subscribe): when the
 * connection is lost (Redis restarted) it subscribes again on a new connection, after a backoff that doubles up to
 * five seconds, until stopped. Jedis reconnects commands through its pool but not a subscription, hence this loop.
 */
public final class RedisSubscription {
    private static final Logger LOG = Logger.getLogger(RedisSubscription.class.getName());

    private final Redis redis;
    private final String name;
    private final Supplier<JedisPubSub> listener;
    private final BiConsumer<Jedis, JedisPubSub> subscribe;
    private volatile boolean running = true;
    private volatile JedisPubSub current;

    private RedisSubscription(Redis redis, String name, Supplier<JedisPubSub> listener,
                              BiConsumer<Jedis, JedisPubSub> subscribe) {
        this.redis = redis;
        this.name = name;
        this.listener = listener;
        this.subscribe = subscribe;
    }

    /**
     * Starts the subscription: {@code subscribe} subscribes a fresh {@code listener} on a new connection (and blocks
     * until it ends).
     */
    public static RedisSubscription start(ThreadFactory threads, Redis redis, String name,
                                          Supplier<JedisPubSub> listener, BiConsumer<Jedis, JedisPubSub> subscribe) {
        RedisSubscription s = new RedisSubscription(redis, name, listener, subscribe);
        threads.newThread(s::loop).start();
        return s;
    }

    private void loop() {
        long backoffMillis = 200;
        while (running) {
            try (Jedis jedis = new Jedis(redis.uri())) {
                JedisPubSub sub = listener.get();
                current = sub;
                backoffMillis = 200;
                subscribe.accept(jedis, sub);
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.log(Level.WARNING, name + " lost (" + e.getMessage() + "), subscribing again in " + backoffMillis + " ms");
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    public void stop() {
        running = false;
        JedisPubSub sub = current;
        if (sub != null && sub.isSubscribed()) {
            try {
                sub.unsubscribe();
                sub.punsubscribe();
            } catch (RuntimeException ignored) {
                // the connection is already gone
            }
        }
    }
}
