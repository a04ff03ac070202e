package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code WS /events/out}: the auth frame, the filter frame, backfill and live events, per workspace; the subscribers
 * allowed per API key and per instance; a subscriber that stops reading holds no thread and is dropped.
 */
class EventsStreamIT {
    /** Collects text frames and the close code of one WebSocket connection. */
    static final class Frames implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final LinkedBlockingQueue<Boolean> pongs = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onPong(WebSocket ws, java.nio.ByteBuffer message) {
            pongs.add(true);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        JsonObject next() throws InterruptedException {
            String text = texts.poll(20, TimeUnit.SECONDS);
            if (text == null) throw new AssertionError("no frame within 20 s");
            return Json.createReader(new StringReader(text)).readObject();
        }
    }

    private static WebSocket connect(String workspace, Frames frames) {
        URI uri = URI.create(TestStack.get().appUrl().replace("http://", "ws://") + "/api/workspaces/" + workspace + "/events/out");
        return Api.HTTP.newWebSocketBuilder().subprotocols("prefect").buildAsync(uri, frames).join();
    }

    @Test
    void authFrameFilterBackfillAndLiveEvents() throws Exception {
        String ws = Workspaces.create("stream");
        String key = Workspaces.issueKey(ws, "viewer");
        Api api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        api.post("/variables/", "{\"name\":\"before_subscribe\",\"value\":1}").expect(201);

        Frames frames = new Frames();
        WebSocket socket = connect(ws, frames);
        assertEquals("prefect", socket.getSubprotocol());
        socket.sendText("{\"type\":\"auth\",\"token\":\"" + key + "\"}", true).join();
        assertEquals("auth_success", frames.next().getString("type"));
        socket.sendText("{\"type\":\"filter\",\"filter\":{\"event\":{\"prefix\":[\"prefect.variable.\"],\"name\":null},"
                + "\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\",\"until\":\"2100-01-01T00:00:00Z\"},\"related\":null}}", true).join();
        JsonObject backfilled = frames.next();
        assertEquals("event", backfilled.getString("type"));
        assertEquals("before_subscribe", backfilled.getJsonObject("event").getJsonObject("resource").getString("prefect.resource.name"));

        api.post("/variables/", "{\"name\":\"after_subscribe\",\"value\":2}").expect(201);
        JsonObject live = frames.next().getJsonObject("event");
        assertEquals("prefect.variable.created", live.getString("event"));
        assertEquals("after_subscribe", live.getJsonObject("payload").getString("name"));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    @Test
    void badTokensAndOtherWorkspacesKeysAreRefused() throws Exception {
        String a = Workspaces.create("stream-a");
        String b = Workspaces.create("stream-b");
        for (String token : new String[] {"stw_notarealkey0_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Workspaces.issueKey(b, "owner")}) {
            Frames frames = new Frames();
            WebSocket socket = connect(a, frames);
            socket.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}", true).join();
            assertEquals(1008, frames.closeCode.get(20, TimeUnit.SECONDS));
            assertTrue(frames.texts.isEmpty(), "no auth_success");
        }
        Frames noAuth = new Frames();
        connect(a, noAuth).sendText("{\"type\":\"filter\",\"filter\":{}}", true).join();
        assertEquals(1008, noAuth.closeCode.get(20, TimeUnit.SECONDS));

        Frames badFilter = new Frames();
        WebSocket socket = connect(a, badFilter);
        socket.sendText("{\"type\":\"auth\",\"token\":\"" + Workspaces.issueKey(a, "viewer") + "\"}", true).join();
        assertEquals("auth_success", badFilter.next().getString("type"));
        socket.sendText("{\"type\":\"filter\",\"filter\":{\"order\":\"SIDEWAYS\"}}", true).join();
        assertEquals(1002, badFilter.closeCode.get(20, TimeUnit.SECONDS));
    }

    static final Duration WAIT = Duration.ofSeconds(30);

    /** A subscriber's first answer: the socket when auth succeeded, else the close frame's code and reason. */
    record Attempt(RawWebSocket socket, String refusal) {}

    static Attempt attempt(String workspace, String key) throws IOException {
        RawWebSocket socket = RawWebSocket.open("/api/workspaces/" + workspace + "/events/out");
        socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
        RawWebSocket.Frame reply = socket.read(WAIT);
        if (reply != null && reply.opcode() == RawWebSocket.TEXT) {
            assertEquals("{\"type\":\"auth_success\"}", reply.text());
            return new Attempt(socket, null);
        }
        socket.close();
        return new Attempt(null, reply == null ? "no close frame" : reply == RawWebSocket.TIMED_OUT ? "nothing" : reply.closeText());
    }

    /** Subscribes with this key, retrying while the server may still be giving back places of closed subscribers. */
    static RawWebSocket admitted(String workspace, String key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Attempt a = attempt(workspace, key); ; a = attempt(workspace, key)) {
            if (a.socket() != null) return a.socket();
            assertTrue(System.nanoTime() < deadline, "still refused: " + a.refusal());
            Thread.sleep(200);
        }
    }

    @Test
    void subscribersAreCappedPerKeyAndPerInstance() throws Exception {
        int perKey = TestStack.EVENTS_OUT_MAX_PER_KEY;
        int perInstance = TestStack.EVENTS_OUT_MAX_PER_INSTANCE;
        String ws = Workspaces.create("stream-caps");
        String key = Workspaces.issueKey(ws, "viewer");
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < perKey; i++) open.add(admitted(ws, key));
            assertEquals("1013 Too many event subscribers for this API key (" + perKey + "); try again later",
                    attempt(ws, key).refusal(), "one past the key's share");
            open.add(admitted(ws, Workspaces.issueKey(ws, "viewer"))); // another key has a share of its own
            open.remove(0).close();
            open.add(admitted(ws, key)); // a closed subscriber's place comes back
            assertEquals("1013", attempt(ws, key).refusal().substring(0, 4));

            // more keys until the instance is full (subscribers other tests left open count too)
            String refusal = null;
            while (refusal == null && open.size() <= perInstance) {
                String another = Workspaces.issueKey(ws, "viewer");
                for (int i = 0; i < perKey && refusal == null; i++) {
                    Attempt a = attempt(ws, another);
                    if (a.socket() != null) open.add(a.socket());
                    else refusal = a.refusal();
                }
            }
            assertEquals("1013 Too many event subscribers on this server (" + perInstance + "); try again later", refusal,
                    "after " + open.size() + " subscribers");
            open.remove(open.size() - 1).close();
            admitted(ws, Workspaces.issueKey(ws, "viewer")).close();
        } finally {
            open.forEach(RawWebSocket::close);
        }
    }

    /**
     * A subscriber that stops reading while 1,500 events of 16 KB match its filter: no thread waits on it (delivery
     * is the container's asynchronous send), a reading subscriber gets every event of its own meanwhile, and the stuck one is
     * dropped (1013, or just the end of the connection when it reads nothing) once more than the backlog limit waits for
     * its socket (beyond what the TCP buffers took).
     */
    @Test
    void aSubscriberThatStopsReadingHoldsNoThreadAndIsDropped() throws Exception {
        String ws = Workspaces.create("stream-slow");
        String viewer = Workspaces.issueKey(ws, "viewer");
        String developer = Workspaces.issueKey(ws, "developer");
        String filter = "{\"type\":\"filter\",\"backfill\":false,\"filter\":{\"event\":{\"prefix\":[\"steward.it.flood\"]},"
                + "\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(60) + "\",\"until\":\""
                + Instant.now().plusSeconds(3600) + "\"}}}";
        int baseline = AppThreads.baseline();
        List<RawWebSocket> open = new ArrayList<>();
        try {
            RawWebSocket stuck = admitted(ws, viewer);
            open.add(stuck);
            stuck.text(filter);
            assertTrue(stuck.pingPong(new byte[] {1}, WAIT), "subscribed");
            for (int i = 0; i < 10; i++) { // subscribers of nothing: ten more connections, no more threads
                RawWebSocket other = admitted(ws, viewer);
                open.add(other);
                other.text(filter.replace("steward.it.flood", "steward.it.nothing"));
                assertTrue(other.pingPong(new byte[] {1}, WAIT), "subscribed");
            }
            Frames frames = new Frames();
            WebSocket reader = connect(ws, frames);
            reader.sendText("{\"type\":\"auth\",\"token\":\"" + viewer + "\"}", true).join();
            assertEquals("auth_success", frames.next().getString("type"));
            // the reader takes every tenth event: it keeps up on a busy machine, and still sees the bus deliver throughout
            reader.sendText(filter.replace("\"prefix\":[\"steward.it.flood\"]", "\"name\":[\"steward.it.flood.sample\"]"), true).join();
            reader.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1})).join(); // the filter is set once the pong comes
            assertTrue(frames.pongs.poll(20, TimeUnit.SECONDS) != null, "subscribed");

            int events = 1500;
            String payload = "{\"x\":\"" + "x".repeat(16 * 1024) + "\"}";
            try (EventsIn in = EventsIn.open(ws, developer)) {
                for (int i = 0; i < events; i++) {
                    // confirmed every 100: commits, and so bursts to the subscribers, stay under the backlog limit
                    if (i % 100 == 0) in.confirm();
                    in.send("{\"id\":\"" + UUID.randomUUID() + "\",\"occurred\":\"" + Instant.now() + "\",\"event\":"
                            + (i % 10 == 9 ? "\"steward.it.flood.sample\"" : "\"steward.it.flood\"") + ",\"resource\":{\"prefect.resource.id\":\"steward.it.flood\"},"
                            + "\"related\":[],\"payload\":" + payload + "}");
                }
                in.confirm();
            }
            for (int i = 0; i < events / 10; i++) {
                String text = frames.texts.poll(20, TimeUnit.SECONDS);
                assertNotNull(text, "event " + i + " did not reach the reading subscriber; its close: " + frames.closeCode.getNow(null));
                assertTrue(text.contains("\"steward.it.flood.sample\""), text.substring(0, Math.min(200, text.length())));
            }
            // the stuck subscriber's backlog waits in memory, not in a thread
            AppThreads.assertSettle(baseline, "1,500 events for a subscriber that does not read");
            reader.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

            int received = 0;
            String end = "timed out";
            for (RawWebSocket.Frame f = stuck.read(WAIT); f != RawWebSocket.TIMED_OUT; f = stuck.read(WAIT)) {
                if (f == null) {
                    end = "ended without a close frame";
                    break;
                }
                if (f.opcode() == RawWebSocket.TEXT) received++;
                if (f.opcode() == RawWebSocket.CLOSE) {
                    end = f.closeText();
                    break;
                }
            }
            // the close frame cannot pass the data queued before it: a client that reads nothing may see only the end
            assertTrue(end.equals("1013 Subscriber too slow; reconnect to resume") || end.equals("ended without a close frame"),
                    end + " after " + received + " events");
            assertTrue(received < events, received + " events reached the stuck subscriber");
        } finally {
            open.forEach(RawWebSocket::close);
        }
    }
}
