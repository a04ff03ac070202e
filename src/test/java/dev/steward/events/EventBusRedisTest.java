package dev.steward.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.platform.Redis;
import dev.steward.testing.RealRedis;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Committed events reach listeners through real Redis pub/sub, per workspace, and again after Redis restarts. */
class EventBusRedisTest {
    static class Threads implements ManagedThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "event-bus-test");
            t.setDaemon(true);
            return t;
        }

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            throw new UnsupportedOperationException("no fork-join use here");
        }
    }

    @Test
    void deliversPerWorkspaceAndSurvivesARedisRestart() throws Exception {
        Redis redis = Redis.at(RealRedis.url());
        EventBus bus = new EventBus();
        bus.redis = redis;
        bus.threads = new Threads();
        bus.start(null);
        UUID ws = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<JsonObject> otherReceived = new LinkedBlockingQueue<>();
        bus.listen(ws, received::add);
        bus.listen(other, otherReceived::add);

        publishUntilDelivered(redis, ws, "first", received);
        assertEquals(0, otherReceived.size(), "another workspace's listener hears nothing");

        RealRedis.restart();
        redis.close();
        publishUntilDelivered(redis, ws, "after-restart", received);
        bus.stop();
    }

    /** Publishes until the subscription (which may be reconnecting) hands the message over; at most 15 s. */
    private static void publishUntilDelivered(Redis redis, UUID ws, String id, LinkedBlockingQueue<JsonObject> received)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                redis.pool().publish(EventPublisher.CHANNEL_PREFIX + ws, "{\"id\":\"" + id + "\"}");
            } catch (RuntimeException reconnecting) {
                // the pool's connections died with the old server
            }
            JsonObject event = received.poll(300, TimeUnit.MILLISECONDS);
            if (event != null) {
                assertEquals(id, event.getString("id"));
                received.clear();
                return;
            }
        }
        throw new AssertionError("event " + id + " was not delivered within 15 s");
    }
}
