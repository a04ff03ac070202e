package dev.steward.bench;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A worker on the worker channel ({@code WS .../work_pools/{name}/workers/connect}, subprotocol {@code prefect}) as
 * Prefect 3.9.1's client speaks it (client/schemas/worker_channel.py): the auth frame, then {@code worker.hello.v1}
 * asking for {@code cleanup_delivery.v1}, answered by {@code worker.ready.v1}. Each server frame is stamped with
 * {@link System#nanoTime()} as its last part arrives, before it is parsed, and either handed to a handler on the
 * socket's thread (throughput: ack at once) or queued for {@link #next}.
 */
final class ChannelWorker implements AutoCloseable {
    static final String KIND = "cancelling_timeout_teardown.v1";

    /** A server frame: when it was received, its type and payload. */
    record Received(long nanos, String type, JsonObject payload) {}

    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    /** Set once ready when frames are handled as they come; guarded by this. */
    private BiConsumer<ChannelWorker, Received> handler;
    private volatile WebSocket socket;
    /** JDK WebSocket allows one send at a time: each send starts when the previous one completed. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private volatile String defaultQueueId;

    private ChannelWorker() {}

    /**
     * Connects, authenticates and says hello; returns once the server's ready frame came.
     *
     * @param handler null to queue every frame after ready for {@link #next}; else called for each on the socket's
     *                thread
     */
    static ChannelWorker connect(HttpClient http, String appUrl, String workspace, String pool, String apiKey,
                                 String name, int maxConcurrency, BiConsumer<ChannelWorker, Received> handler)
            throws IOException, InterruptedException {
        ChannelWorker w = new ChannelWorker();
        URI uri = URI.create(appUrl.replaceFirst("^http", "ws") + "/api/workspaces/" + workspace + "/work_pools/"
                + pool + "/workers/connect");
        w.socket = http.newWebSocketBuilder().subprotocols("prefect").connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, w.listener()).join();
        w.send("{\"type\":\"auth\",\"token\":\"" + apiKey + "\"}");
        Received auth = w.next(Duration.ofSeconds(20));
        if (auth == null || !"auth_success".equals(auth.type())) throw new IOException("worker channel auth: " + auth);
        w.send(frame("worker.hello.v1", "{\"consumer_id\":\"" + UUID.randomUUID() + "\",\"worker_name\":\"" + name
                + "\",\"worker_type\":\"process\",\"heartbeat_interval_seconds\":30,"
                + "\"supported_channel_versions\":[\"work_pool_worker_channel.v1\"],"
                + "\"requested_capabilities\":[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"],"
                + "\"handled_cleanup_kinds\":[\"" + KIND + "\"],\"max_cleanup_concurrency\":" + maxConcurrency + "}"));
        Received ready = w.next(Duration.ofSeconds(20));
        if (ready == null || !"worker.ready.v1".equals(ready.type())) throw new IOException("no ready frame: " + ready);
        if (ready.payload().getInt("effective_max_cleanup_concurrency") != maxConcurrency) {
            throw new IOException("the server cut max_cleanup_concurrency: " + ready.payload());
        }
        w.defaultQueueId = ready.payload().getJsonArray("resolved_work_queues").getJsonObject(0).getString("id");
        if (handler != null) {
            synchronized (w) {
                w.handler = handler;
                // frames that came between ready and now
                for (Received r = w.inbox.poll(); r != null; r = w.inbox.poll()) handler.accept(w, r);
            }
        }
        return w;
    }

    private synchronized void dispatch(Received r) {
        if (handler != null) handler.accept(this, r);
        else inbox.add(r);
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    long now = System.nanoTime();
                    JsonObject frame = Json.parseObject(text.toString());
                    text.setLength(0);
                    JsonObject payload = frame.get("payload") instanceof JsonObject p ? p : JsonObject.EMPTY_JSON_OBJECT;
                    dispatch(new Received(now, frame.getString("type"), payload));
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                inbox.add(new Received(System.nanoTime(), "closed " + code + " " + reason, JsonObject.EMPTY_JSON_OBJECT));
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                inbox.add(new Received(System.nanoTime(), "error " + error, JsonObject.EMPTY_JSON_OBJECT));
            }
        };
    }

    /** The id of the pool's default queue, the worker's (it named no queues). */
    String defaultQueueId() {
        return defaultQueueId;
    }

    /** The next queued frame, or null after {@code timeout}. */
    Received next(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next frame of {@code type}, skipping others (snapshots); null after {@code timeout}. */
    Received next(String type, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = until - System.nanoTime()) {
            Received r = inbox.poll(left, TimeUnit.NANOSECONDS);
            if (r == null) return null;
            if (r.type().equals(type)) return r;
            if (r.type().startsWith("closed") || r.type().startsWith("error")) {
                throw new IllegalStateException("worker channel ended: " + r.type());
            }
        }
        return null;
    }

    /** Queues a text frame after the ones before it. */
    synchronized void send(String text) {
        lastSend = lastSend.thenCompose(ignored -> socket.sendText(text, true));
    }

    /** {@code cleanup.ack.v1} for a delivery ({@code cleanup.message.v1} payload). */
    void ack(JsonObject delivery) {
        send(frame("cleanup.ack.v1", "{\"message_id\":\"" + delivery.getString("message_id")
                + "\",\"reservation_token\":\"" + delivery.getString("reservation_token") + "\"}"));
    }

    static String frame(String type, String payload) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + UUID.randomUUID() + "\",\"sent_at\":\"" + Instant.now()
                + "\",\"payload\":" + payload + "}";
    }

    @Override
    public void close() {
        WebSocket s = socket;
        try {
            lastSend.thenCompose(ignored -> s.sendClose(WebSocket.NORMAL_CLOSURE, "bench done"))
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            s.abort();
        }
    }
}
