package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code WS /events/out}: the auth frame, the filter frame, backfill and live events, per workspace. */
class EventsStreamIT {
    /** Collects text frames and the close code of one WebSocket connection. */
    static final class Frames implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

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
}
