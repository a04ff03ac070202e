package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket endpoints fed bad input: {@code WS /events/in} (Steward's own RFC 6455 framing) and
 * {@code WS /events/out} (the container's): bad auth frames, malformed and wrongly typed JSON, oversized and binary
 * frames, protocol violations, bad filters, bad events, abrupt closes. Each must end with the right close code, or,
 * for a bad event on /events/in (the protocol has no reply), with the event dropped while the connection goes on; the
 * app server must keep no thread for a dead connection; and a good client must still be served afterwards. Also the
 * limits every WebSocket has: the auth frame's deadline and size, and the idle timeout (with the worker channel).
 */
class WebSocketBadInputIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static String ws;
    static String key;
    static String otherWorkspaceKey;
    static Api api;
    static String in;
    static String out;

    @BeforeAll
    static void workspace() {
        ws = Workspaces.create("ws-bad");
        key = Workspaces.issueKey(ws, "developer");
        otherWorkspaceKey = Workspaces.issueKey(Workspaces.create("ws-bad-other"), "owner");
        api = Workspaces.api(ws, key);
        in = "/api/workspaces/" + ws + "/events/in";
        out = "/api/workspaces/" + ws + "/events/out";
    }

    static String auth(String token) {
        return "{\"type\":\"auth\",\"token\":\"" + token + "\"}";
    }

    /** A connection past the auth frame. */
    static RawWebSocket authenticated(String path) throws IOException {
        return authenticated(path, null);
    }

    /**
     * A connection past the auth frame; with {@code spuriousIdleCloses}, a connection that the container closes as
     * idle before it answers the auth frame is counted and opened again, at most twice. Payara's WebSocket container
     * (Tyrus) has closed a new /events/out connection "because of the idle timeout" within seconds of its opening, once
     * in a sweep of about 330 connections, in 2 of 5 full runs; the idle timeout is 45 s and the cause is not known.
     */
    static RawWebSocket authenticated(String path, AtomicInteger spuriousIdleCloses) throws IOException {
        while (true) {
            RawWebSocket socket = RawWebSocket.open(path);
            socket.text(auth(key));
            RawWebSocket.Frame reply = socket.read(WAIT);
            String got = reply == null ? "the end" : reply == RawWebSocket.TIMED_OUT ? "nothing"
                    : reply.opcode() == RawWebSocket.CLOSE ? "close " + reply.closeText() : reply.text();
            if (spuriousIdleCloses != null && got.contains("because of the idle timeout")
                    && spuriousIdleCloses.incrementAndGet() <= 2) {
                System.out.println("events/out: the container closed a new connection as idle; opening another");
                socket.close();
                continue;
            }
            assertEquals("{\"type\":\"auth_success\"}", got, "auth on " + path);
            return socket;
        }
    }

    static String event(UUID id, String name, String payload) {
        return "{\"id\":\"" + id + "\",\"occurred\":\"" + Instant.now() + "\",\"event\":\"" + name + "\","
                + "\"resource\":{\"prefect.resource.id\":\"steward.it.bad-input\"},\"related\":[],\"payload\":" + payload + "}";
    }

    /** A task-run event whose task_run is {@code taskRun} (a JSON object's members, without braces). */
    static String taskRunEvent(UUID id, UUID taskRun, String taskRunMembers) {
        return "{\"id\":\"" + id + "\",\"occurred\":\"" + Instant.now() + "\",\"event\":\"prefect.task-run.Completed\","
                + "\"resource\":{\"prefect.resource.id\":\"prefect.task-run." + taskRun + "\"},\"related\":[],"
                + "\"payload\":{\"validated_state\":{\"type\":\"COMPLETED\",\"name\":\"Completed\"},"
                + "\"task_run\":{" + taskRunMembers + "}}}";
    }

    /** Stored events among these ids. */
    static List<String> stored(List<UUID> ids) {
        StringBuilder list = new StringBuilder();
        for (UUID id : ids) list.append(list.length() == 0 ? "" : ",").append('"').append(id).append('"');
        return api.post("/events/filter", "{\"filter\":{\"id\":{\"id\":[" + list + "]},\"occurred\":{\"since\":\""
                        + Instant.now().minusSeconds(3600) + "\"}}}").expect(200).object().getJsonArray("events").stream()
                .map(e -> e.asJsonObject().getString("id")).sorted().toList();
    }

    /** A good Prefect-like client still gets its events in and confirmed. */
    static void goodEventsInClientWorks() throws Exception {
        UUID id = UUID.randomUUID();
        try (EventsIn client = EventsIn.open(ws, key)) {
            client.send(event(id, "steward.it.good", "{}"));
            client.confirm();
        }
        assertEquals(List.of(id.toString()), stored(List.of(id)));
    }

    @Test
    void eventsInRefusesBadAuthFrames() throws Exception {
        List<String> frames = List.of("not json", "[1]", "5", "null", "{}", "{\"type\":\"auth\"}",
                "{\"type\":\"auth\",\"token\":5}", "{\"type\":\"auth\",\"token\":null}", "{\"type\":\"auth\",\"token\":[\"x\"]}",
                auth("x".repeat(60_000)), auth("stw_notarealkey0_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), auth(otherWorkspaceKey),
                "{\"type\":\"filter\",\"filter\":{}}", "{\"type\":\"AUTH\",\"token\":\"" + key + "\"}",
                event(UUID.randomUUID(), "steward.it.early", "{}"));
        for (String frame : frames) {
            try (RawWebSocket socket = RawWebSocket.open(in)) {
                socket.text(frame);
                assertEquals(1008, socket.awaitClose(WAIT), "events/in after " + abbreviate(frame));
            }
        }
        try (RawWebSocket socket = RawWebSocket.open("/api/workspaces/no-such-workspace/events/in")) {
            socket.text(auth(key));
            assertEquals(1008, socket.awaitClose(WAIT), "a key on a workspace that is not its own");
        }
        goodEventsInClientWorks();
    }

    /** A protocol violation and the close code RFC 6455 gives it. */
    record Violation(String what, int code, Action action) {}

    interface Action {
        void on(RawWebSocket socket) throws IOException;
    }

    static List<Violation> violations() {
        byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
        return List.of(
                new Violation("an unmasked frame", 1002, s -> s.frame(RawWebSocket.TEXT, small, true, false, 0)),
                new Violation("reserved bits", 1002, s -> s.frame(RawWebSocket.TEXT, small, true, true, 4)),
                new Violation("an unknown opcode", 1002, s -> s.frame(0x3, small, true, true, 0)),
                new Violation("a fragmented ping", 1002, s -> s.frame(RawWebSocket.PING, small, false, true, 0)),
                new Violation("a ping of 126 bytes", 1002, s -> s.frame(RawWebSocket.PING, new byte[126], true, true, 0)),
                new Violation("a continuation of nothing", 1002, s -> s.frame(RawWebSocket.CONTINUATION, small, true, true, 0)),
                new Violation("a message inside a fragmented one", 1002, s -> {
                    s.frame(RawWebSocket.TEXT, small, false, true, 0);
                    s.frame(RawWebSocket.TEXT, small, true, true, 0);
                }),
                new Violation("a binary frame", 1003, s -> s.frame(RawWebSocket.BINARY, small, true, true, 0)),
                new Violation("text that is not UTF-8", 1007, s -> s.frame(RawWebSocket.TEXT, new byte[] {'"', (byte) 0xC3, 0x28, '"'}, true, true, 0)),
                new Violation("a frame declaring 17 MB", 1009, s -> s.headerOnly(RawWebSocket.TEXT, 17L * 1024 * 1024)),
                new Violation("a 64-bit length with its top bit set", 1002, s -> s.headerOnly(RawWebSocket.TEXT, Long.MIN_VALUE + 5)));
    }

    /**
     * Sends the violation. A write the server refused because it already closed on what came before is not a failure:
     * its close frame, read next, is what the test checks.
     */
    static void violate(RawWebSocket socket, Violation v) {
        try {
            v.action().on(socket);
        } catch (IOException closedAlready) {
            // the close frame decides
        }
    }

    @Test
    void eventsInClosesOnProtocolViolations() throws Exception {
        for (Violation v : violations()) {
            for (boolean authenticated : new boolean[] {false, true}) {
                try (RawWebSocket socket = authenticated ? authenticated(in) : RawWebSocket.open(in)) {
                    violate(socket, v);
                    assertEquals(v.code(), socket.awaitClose(WAIT), "events/in, " + (authenticated ? "after" : "before")
                            + " auth: " + v.what());
                }
            }
        }
        goodEventsInClientWorks();
    }

    @Test
    void eventsInDropsBadEventsAndGoesOn() throws Exception {
        UUID nul = UUID.randomUUID();
        UUID huge = UUID.randomUUID();
        UUID badTime = UUID.randomUUID();
        UUID longName = UUID.randomUUID();
        UUID good = UUID.randomUUID();
        UUID badTimeRun = UUID.randomUUID();
        UUID longNameRun = UUID.randomUUID();
        String now = Instant.now().toString();
        List<String> bad = new ArrayList<>(List.of("not json", "[]", "{}", "5", "null", "\"text\"", "{\"id\":",
                "{\"event\":\"a\",\"occurred\":\"" + now + "\",\"resource\":{\"prefect.resource.id\":\"r\"}}",
                event(UUID.randomUUID(), "a", "{}").replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"nope\""),
                event(UUID.randomUUID(), "a", "{}").replace(now, "yesterday"),
                event(UUID.randomUUID(), "a", "{}").replaceFirst("\"occurred\":\"[^\"]+\"", "\"occurred\":\"0000-01-01T00:00:00Z\""),
                event(UUID.randomUUID(), "a", "{}").replaceFirst("\"occurred\":\"[^\"]+\"", "\"occurred\":\"+10000-01-01T00:00:00Z\""),
                event(UUID.randomUUID(), "n".repeat(2000), "{}"),
                event(UUID.randomUUID(), "a", "{}").replace("\"event\":\"a\"", "\"event\":5"),
                event(UUID.randomUUID(), "a", "{}").replace("\"prefect.resource.id\":\"steward.it.bad-input\"", "\"prefect.resource.id\":\"\""),
                event(UUID.randomUUID(), "a", "{}").replace("steward.it.bad-input", "r".repeat(2000)),
                event(UUID.randomUUID(), "a", "{}").replace("{\"prefect.resource.id\":\"steward.it.bad-input\"}", "\"x\""),
                event(UUID.randomUUID(), "a", "{}").replace("\"related\":[]", "\"related\":[],\"follows\":\"nope\""),
                event(UUID.randomUUID(), "a", "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}"),
                // valid JSON that PostgreSQL refuses: a NUL character, a number beyond numeric
                event(nul, "a", "{\"x\":\"a\\u0000b\"}"),
                event(huge, "a", "{\"n\":1e999999}"),
                // a task run Prefect's schema refuses
                taskRunEvent(badTime, badTimeRun, "\"name\":\"t\",\"start_time\":\"garbage\"")));
        try (RawWebSocket socket = authenticated(in)) {
            for (String frame : bad) socket.text(frame);
            socket.text(taskRunEvent(longName, longNameRun, "\"name\":\"" + "t".repeat(300) + "\",\"total_run_time\":1.5"));
            socket.text(event(good, "steward.it.good", "{\"after\":\"bad ones\"}"));
            assertTrue(socket.pingPong(new byte[] {7}, Duration.ofSeconds(120)), "the events before the ping are confirmed");
            List<String> expected = new ArrayList<>(List.of(good.toString(), longName.toString(), badTime.toString()));
            Collections.sort(expected);
            assertEquals(expected, stored(List.of(nul, huge, badTime, longName, good)),
                    "the good events are stored, those PostgreSQL refuses are not");
            api.get("/task_runs/" + badTimeRun).expect(404); // a valid event, but not a task run Prefect's schema takes
            JsonObject run = api.get("/task_runs/" + longNameRun).expect(200).object();
            assertEquals(300, run.getString("name").length(), "a long task-run name is kept whole in the run");
            // the same connection goes on
            UUID after = UUID.randomUUID();
            socket.text(event(after, "steward.it.good", "{}"));
            assertTrue(socket.pingPong(new byte[] {8}, WAIT));
            assertEquals(List.of(after.toString()), stored(List.of(after)));
        }
    }

    @Test
    void eventsInSurvivesAbruptClosesWithoutLeakingThreads() throws Exception {
        goodEventsInClientWorks();
        int baseline = AppThreads.baseline();
        UUID unconfirmed = UUID.randomUUID();
        try (RawWebSocket socket = authenticated(in)) {
            socket.text(event(unconfirmed, "steward.it.unconfirmed", "{}"));
        } // closed without a close frame, after the event (a reset instead would let TCP drop the unread event)
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                int kind = i % 4;
                done.add(pool.submit(() -> {
                    RawWebSocket socket = kind == 0 ? RawWebSocket.open(in) : authenticated(in);
                    switch (kind) {
                        case 0 -> socket.raw(new byte[] {(byte) 0x81, (byte) 0xFE}); // half an auth frame's header
                        case 1 -> socket.headerOnly(RawWebSocket.TEXT, 1000); // a frame that never comes
                        case 2 -> socket.text(event(UUID.randomUUID(), "steward.it.aborted", "{}"));
                        default -> socket.frame(RawWebSocket.PING, new byte[] {1}, true, true, 0);
                    }
                    socket.abort();
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        // an event that arrived whole is committed even though its sender is gone
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stored(List.of(unconfirmed)).isEmpty() && System.nanoTime() < deadline) Thread.sleep(200);
        assertEquals(List.of(unconfirmed.toString()), stored(List.of(unconfirmed)));
        // a connection holding a thread would keep it in Steward's code (reading, committing, waiting to queue)
        AppThreads.assertSettle(baseline, "120 aborted /events/in connections");
        goodEventsInClientWorks();
    }

    @Test
    void eventsInHandshakesThatAreNotWebSocket13AreRefused() throws Exception {
        assertTrue(RawWebSocket.handshake(in, "8", true).status().contains(" 426 "));
        assertTrue(RawWebSocket.handshake(in, "13", false).status().contains(" 400 "));
        goodEventsInClientWorks();
    }

    @Test
    void eventsOutRefusesBadAuthAndFrames() throws Exception {
        for (String frame : List.of("{}", "[1]", "5", "{\"type\":\"auth\"}", "{\"type\":\"auth\",\"token\":5}",
                auth("x".repeat(60_000)), auth(otherWorkspaceKey), "{\"type\":\"filter\",\"filter\":{}}")) {
            try (RawWebSocket socket = RawWebSocket.open(out)) {
                socket.text(frame);
                assertEquals(1008, socket.awaitClose(WAIT), "events/out after " + abbreviate(frame));
            }
        }
        try (RawWebSocket socket = RawWebSocket.open(out)) {
            socket.text("not json");
            assertEquals(1002, socket.awaitClose(WAIT), "events/out after text that is not JSON");
        }
        for (String frame : List.of("not json", "{\"type\":\"nope\"}", "{\"type\":\"filter\",\"filter\":null}",
                "{\"type\":\"filter\",\"filter\":\"x\"}", "{\"type\":\"filter\",\"filter\":[]}", "{\"filter\":{}}")) {
            try (RawWebSocket socket = authenticated(out)) {
                socket.text(frame);
                assertEquals(1002, socket.awaitClose(WAIT), "events/out after auth, then " + frame);
            }
        }
        try (RawWebSocket socket = authenticated(out)) {
            socket.text("{\"type\":\"filter\",\"filter\":{\"text\":{\"query\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}}");
            assertEquals(1009, socket.awaitClose(WAIT), "a frame over 1 MB");
        }
        try (RawWebSocket socket = authenticated(out)) {
            socket.frame(RawWebSocket.BINARY, new byte[] {1, 2, 3}, true, true, 0);
            assertEquals(1003, socket.awaitClose(WAIT), "a binary frame");
        }
        for (Violation v : violations()) {
            if (v.code() == 1003 || v.code() == 1009) continue; // the container's limits differ: covered above
            try (RawWebSocket socket = authenticated(out)) {
                violate(socket, v);
                // Tyrus, the container's WebSocket, fails on a length with the top bit set (BufferUnderflowException)
                // and closes with 1011: the connection ends all the same
                int expected = v.what().contains("top bit") ? 1011 : v.code();
                assertEquals(expected, socket.awaitClose(WAIT), "events/out: " + v.what());
            }
        }
        goodStreamClientWorks();
    }

    /**
     * Each filter with one value made wrong, over HTTP and as the stream's filter frame: where {@code POST
     * /events/filter} answers 200 the stream subscribes (the pong to a ping comes), where it answers 422 the stream
     * closes with 1002 and says why.
     */
    @Test
    void eventsOutAnswersEveryBadFilterAsTheHttpFilterDoes() throws Exception {
        List<String> filters = BadInputIT.mutations(BadInputIT.eventFilter());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger spuriousIdleCloses = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String filter : filters) {
                done.add(pool.submit(() -> {
                    JsonValue parsed = Json.createReader(new StringReader(filter)).readValue();
                    int http = api.post("/events/filter", "{\"filter\":" + filter + ",\"limit\":1}").status();
                    // a filter that is no object at all is refused by the stream; HTTP takes null as absent
                    boolean valid = parsed instanceof JsonObject && http == 200;
                    if (http >= 500) failures.add("HTTP " + http + " for " + abbreviate(filter));
                    try (RawWebSocket socket = authenticated(out, spuriousIdleCloses)) {
                        socket.text("{\"type\":\"filter\",\"filter\":" + filter + "}");
                        socket.frame(RawWebSocket.PING, new byte[] {9}, true, true, 0);
                        int result = 0;
                        for (RawWebSocket.Frame f = socket.read(WAIT); f != null && f != RawWebSocket.TIMED_OUT; f = socket.read(WAIT)) {
                            if (f.opcode() == RawWebSocket.PONG) {
                                result = 200;
                                break;
                            }
                            if (f.opcode() == RawWebSocket.CLOSE) {
                                result = f.closeCode();
                                if (result == 1002 && !f.text().contains("Invalid filter")) result = -1002;
                                break;
                            }
                        }
                        if (result != (valid ? 200 : 1002)) {
                            failures.add("stream " + result + " where HTTP said " + http + " for " + abbreviate(filter));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        assertTrue(filters.size() > 300, "swept " + filters.size() + " filters");
        assertEquals(List.of(), failures, failures.size() + " of " + filters.size() + " filters");
        goodStreamClientWorks();
    }

    @Test
    void eventsOutSurvivesAbruptClosesWithoutLeakingThreads() throws Exception {
        goodStreamClientWorks();
        int baseline = AppThreads.baseline();
        abortEventsOutConnections();
        // a thread per subscription would stay parked in Steward's code: 60 more after this round
        AppThreads.assertSettle(baseline, "120 aborted /events/out connections, 60 of them subscribed");
        // and each aborted subscriber gave its place back: the key has its whole share again (a close the container
        // fails to report is taken back once the connection is no longer open, at worst after the idle timeout)
        List<RawWebSocket> share = new ArrayList<>();
        try {
            for (int i = 0; i < TestStack.EVENTS_OUT_MAX_PER_KEY; i++) share.add(authenticatedEventually(out));
        } finally {
            share.forEach(RawWebSocket::close);
        }
        goodStreamClientWorks();
    }

    /** A connection past the auth frame, retried while the server may still be giving back places of closed ones. */
    static RawWebSocket authenticatedEventually(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(TestStack.WS_IDLE_TIMEOUT_SECONDS).plus(WAIT).toNanos();
        while (true) {
            RawWebSocket socket = RawWebSocket.open(path);
            socket.text(auth(key));
            RawWebSocket.Frame reply = socket.read(WAIT);
            if (reply != null && reply.opcode() == RawWebSocket.TEXT) {
                assertEquals("{\"type\":\"auth_success\"}", reply.text());
                return socket;
            }
            socket.close();
            String got = reply == null ? "the end" : reply.opcode() == RawWebSocket.CLOSE ? reply.closeText() : "nothing";
            assertTrue(System.nanoTime() < deadline, "no place for a subscriber: " + got);
            Thread.sleep(200);
        }
    }

    /** 120 /events/out connections ended abruptly, 8 at a time: half of them subscribed, the rest mid-frame. */
    private static void abortEventsOutConnections() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                int kind = i % 4;
                done.add(pool.submit(() -> {
                    RawWebSocket socket = kind == 0 ? RawWebSocket.open(out) : authenticated(out);
                    switch (kind) {
                        case 0 -> socket.raw(new byte[] {(byte) 0x81}); // half a frame header
                        case 1 -> socket.headerOnly(RawWebSocket.TEXT, 500); // a frame that never comes
                        default -> {
                            // a subscription, with its sender thread, that the client abandons
                            socket.text("{\"type\":\"filter\",\"filter\":{\"event\":{\"prefix\":[\"prefect.\"]}}}");
                            assertTrue(socket.pingPong(new byte[] {3}, WAIT), "subscribed");
                        }
                    }
                    socket.abort();
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A good stream client after all that: subscribed with a related filter (the flow of a flow run), it gets the
     * run's state event from the backfill and the next one live, and the same filter over HTTP finds both.
     */
    static void goodStreamClientWorks() throws Exception {
        Api.Reply flow = api.post("/flows/", "{\"name\":\"ws-bad-input\"}");
        assertTrue(flow.status() == 200 || flow.status() == 201, flow.body());
        String flowId = flow.object().getString("id");
        String runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        // until in the future, as Prefect's client sends it: a live event must fall inside the filter's range
        String filter = "{\"occurred\":{\"since\":\"" + Instant.now().minusSeconds(60) + "\",\"until\":\""
                + Instant.now().plusSeconds(86_400) + "\"},\"event\":{\"prefix\":[\"prefect.flow-run.\"]},"
                + "\"resource\":{\"id\":[\"prefect.flow-run." + runId + "\"]},"
                + "\"related\":{\"id\":[\"prefect.flow." + flowId + "\"],\"role\":[\"flow\"]}}";
        EventsStreamIT.Frames frames = new EventsStreamIT.Frames();
        URI uri = URI.create(TestStack.get().appUrl().replace("http://", "ws://") + out);
        WebSocket socket = Api.HTTP.newWebSocketBuilder().subprotocols("prefect").buildAsync(uri, frames).join();
        socket.sendText(auth(key), true).join();
        assertEquals("auth_success", frames.next().getString("type"));
        socket.sendText("{\"type\":\"filter\",\"filter\":" + filter + "}", true).join();
        assertEquals("prefect.flow-run.Pending", frames.next().getJsonObject("event").getString("event"), "backfill");
        api.post("/flow_runs/" + runId + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);
        JsonObject live = frames.next().getJsonObject("event");
        assertEquals("prefect.flow-run.Running", live.getString("event"));
        assertNotNull(live.getJsonArray("related").stream().filter(r -> r.asJsonObject().getString("prefect.resource.id")
                .equals("prefect.flow." + flowId)).findFirst().orElse(null));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        assertEquals(2, api.post("/events/filter", "{\"filter\":" + filter + "}").expect(200).object().getInt("total"));
    }

    /** {@code json} (an object) with spaces before its last brace, to exactly {@code bytes} bytes of UTF-8. */
    static String padded(String json, int bytes) {
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(length <= bytes, "already " + length + " bytes");
        return json.substring(0, json.length() - 1) + " ".repeat(bytes - length) + "}";
    }

    static final Duration AUTH_TIMEOUT = Duration.ofSeconds(TestStack.WS_AUTH_TIMEOUT_SECONDS);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(TestStack.WS_IDLE_TIMEOUT_SECONDS);

    /**
     * The auth frame on /events/in and /events/out (the worker channel's in {@link WorkerChannelIT}): it must come
     * within the auth timeout (a ping does not count) and be at most 64 KB; frames past 64 KB are taken after it.
     */
    @Test
    void authFrameMustComeInTimeAndBeAtMost64KB() throws Exception {
        int limit = 64 * 1024;
        String filterFrame = "{\"type\":\"filter\",\"filter\":{\"resource\":{\"id\":[\"steward.it.nothing\"]}}}";
        for (String path : List.of(in, out)) {
            try (RawWebSocket socket = RawWebSocket.open(path)) {
                long opened = System.nanoTime();
                assertTrue(socket.pingPong(new byte[] {4}, WAIT), path + ": a ping before auth is answered");
                String close = socket.awaitCloseText(AUTH_TIMEOUT.plus(WAIT));
                Duration waited = Duration.ofNanos(System.nanoTime() - opened);
                assertEquals("1008 No auth frame within " + AUTH_TIMEOUT.toSeconds() + " s", close, path);
                assertTrue(waited.compareTo(AUTH_TIMEOUT.minusMillis(500)) >= 0, path + ": closed after " + waited);
            }
            try (RawWebSocket socket = RawWebSocket.open(path)) {
                socket.text(padded(auth(key), limit + 1));
                assertEquals("1009 Auth frame over " + limit + " bytes", socket.awaitCloseText(WAIT), path + ": 64 KB + 1");
            }
            try (RawWebSocket socket = RawWebSocket.open(path)) {
                socket.text(padded(auth(key), limit));
                assertEquals("{\"type\":\"auth_success\"}", socket.readText(WAIT), path + ": an auth frame of 64 KB");
                if (path.equals(in)) {
                    UUID big = UUID.randomUUID();
                    socket.text(padded(event(big, "steward.it.big", "{}"), 3 * limit));
                    assertTrue(socket.pingPong(new byte[] {5}, WAIT), "a 192 KB event after auth is confirmed");
                    assertEquals(List.of(big.toString()), stored(List.of(big)));
                } else {
                    socket.text(padded(filterFrame, 3 * limit));
                    assertTrue(socket.pingPong(new byte[] {5}, WAIT), "subscribed with a 192 KB filter frame");
                }
            }
        }
        goodEventsInClientWorks();
        goodStreamClientWorks();
    }

    /**
     * On all three endpoints, a connection from which nothing comes is closed after the idle timeout (1000), while
     * one that only pings, every 10 s as Prefect's client does every 20 s, stays open.
     */
    @Test
    void idleConnectionsAreClosedWhilePingingOnesStay() throws Exception {
        String pool = "ws-bad-idle";
        api.post("/work_pools/", "{\"name\":\"" + pool + "\",\"type\":\"process\"}").expect(201);
        String channel = "/api/workspaces/" + ws + "/work_pools/" + pool + "/workers/connect";
        String filterFrame = "{\"type\":\"filter\",\"filter\":{\"resource\":{\"id\":[\"steward.it.nothing\"]}}}";
        List<RawWebSocket> silent = new ArrayList<>();
        List<Long> lastSent = new ArrayList<>();
        List<RawWebSocket> pinging = new ArrayList<>();
        ExecutorService pinger = Executors.newSingleThreadExecutor();
        try {
            for (String path : List.of(in, out, channel)) {
                for (List<RawWebSocket> group : List.of(silent, pinging)) {
                    RawWebSocket socket = authenticated(path);
                    if (path.equals(out)) {
                        socket.text(filterFrame);
                        assertTrue(socket.pingPong(new byte[] {1}, WAIT), "subscribed");
                    }
                    group.add(socket);
                    if (group == silent) lastSent.add(System.nanoTime());
                }
            }
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Future<?> pings = pinger.submit(() -> {
                while (!stop.get()) {
                    for (RawWebSocket socket : pinging) {
                        if (!socket.pingPong(new byte[] {2}, WAIT)) failures.add("a pinging connection ended");
                    }
                    for (int i = 0; i < 20 && !stop.get(); i++) Thread.sleep(500);
                }
                return null;
            });
            List<String> paths = List.of("/events/in", "/events/out", "worker channel");
            for (int i = 0; i < silent.size(); i++) {
                String close = silent.get(i).awaitCloseText(IDLE_TIMEOUT.plus(WAIT));
                Duration quiet = Duration.ofNanos(System.nanoTime() - lastSent.get(i));
                assertTrue(close.startsWith("1000 "), paths.get(i) + " closed with " + close);
                assertTrue(quiet.compareTo(IDLE_TIMEOUT.minusSeconds(1)) >= 0, paths.get(i) + " closed after " + quiet);
            }
            stop.set(true);
            pings.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of(), failures);
            for (int i = 0; i < pinging.size(); i++) {
                assertTrue(pinging.get(i).pingPong(new byte[] {3}, WAIT), paths.get(i) + ": the pinging one is still open");
            }
        } finally {
            pinger.shutdownNow();
            silent.forEach(RawWebSocket::close);
            pinging.forEach(RawWebSocket::close);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + ")" : s;
    }
}
