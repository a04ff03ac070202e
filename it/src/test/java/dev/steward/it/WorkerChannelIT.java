package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker channel, {@code WS /work_pools/{name}/workers/connect}, spoken by a raw WebSocket client: Prefect 3.9.1's
 * handshake and frames, and its close codes and reasons for bad auth, a bad first frame, an unknown pool or queue, a
 * version the server does not speak, frames out of place, and heartbeats of another worker.
 */
class WorkerChannelIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static String ws;
    static String key;
    static Api api;

    @BeforeAll
    static void workspace() {
        ws = Workspaces.create("channel");
        key = Workspaces.issueKey(ws, "developer");
        api = Workspaces.api(ws, key);
        api.post("/work_pools/", "{\"name\":\"chan-pool\",\"type\":\"process\"}").expect(201);
    }

    static String path(String pool) {
        return "/api/workspaces/" + ws + "/work_pools/" + pool + "/workers/connect";
    }

    static String hello(UUID consumer, String worker, String versions, String extra) {
        return frame("worker.hello.v1", "{\"consumer_id\":\"" + consumer + "\",\"worker_name\":\"" + worker + "\","
                + "\"worker_type\":\"process\",\"heartbeat_interval_seconds\":5,\"supported_channel_versions\":" + versions
                + ",\"requested_capabilities\":[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"],"
                + "\"handled_cleanup_kinds\":[\"cancelling_timeout_teardown.v1\"],\"max_cleanup_concurrency\":1"
                + extra + "}");
    }

    static String frame(String type, String payload) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + UUID.randomUUID() + "\",\"sent_at\":\"" + Instant.now()
                + "\",\"payload\":" + payload + "}";
    }

    static RawWebSocket authenticated(String pool) throws IOException {
        RawWebSocket socket = RawWebSocket.open(path(pool));
        socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
        assertEquals("{\"type\":\"auth_success\"}", socket.readText(WAIT));
        return socket;
    }

    /** The close frame's code and reason ("1008 authentication_failed"). */
    static String closeOf(RawWebSocket socket) throws IOException {
        for (RawWebSocket.Frame f = socket.read(WAIT); ; f = socket.read(WAIT)) {
            if (f == RawWebSocket.TIMED_OUT || f == null) return "no close frame";
            if (f.opcode() == RawWebSocket.CLOSE) {
                return f.closeCode() + " " + new String(f.payload(), 2, f.payload().length - 2, StandardCharsets.UTF_8);
            }
        }
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void helloIsAnsweredWithReadyThenHeartbeatsAreRecordedAndChangesSnapshotted() throws Exception {
        UUID consumer = UUID.randomUUID();
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(consumer, "raw-worker", "[\"work_pool_worker_channel.v1\",\"v0\"]", ""));
            JsonObject ready = json(socket.readText(WAIT));
            assertEquals("worker.ready.v1", ready.getString("type"));
            JsonObject payload = ready.getJsonObject("payload");
            assertEquals(consumer.toString(), payload.getString("consumer_id"));
            assertEquals("work_pool_worker_channel.v1", payload.getString("selected_channel_version"));
            assertEquals("[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"]",
                    payload.get("accepted_capabilities").toString());
            assertEquals("[]", payload.get("rejected_capabilities").toString());
            assertEquals(1, payload.getInt("effective_max_cleanup_concurrency"));
            assertEquals("default", payload.getJsonArray("resolved_work_queues").getJsonObject(0).getString("name"));
            JsonObject snapshot = payload.getJsonObject("initial_snapshot");
            assertEquals(1, snapshot.getInt("snapshot_sequence"));
            assertEquals("initial", snapshot.getString("reason"));
            assertEquals("chan-pool", snapshot.getJsonObject("work_pool").getString("name"));
            JsonObject worker = api.post("/work_pools/chan-pool/workers/filter", "{}").array().getJsonObject(0);
            assertEquals("raw-worker", worker.getString("name"));
            assertTrue(worker.getBoolean("channel"));
            Instant first = Instant.parse(worker.getString("last_heartbeat_time"));

            Thread.sleep(20);
            socket.text(frame("worker.heartbeat.v1", "{\"consumer_id\":\"" + consumer + "\",\"worker_name\":\"raw-worker\","
                    + "\"heartbeat_interval_seconds\":5}"));
            // a change of the pool reaches the connection as a snapshot
            api.patch("/work_pools/chan-pool", "{\"concurrency_limit\":4}").expect(204);
            JsonObject next = json(socket.readText(WAIT));
            assertEquals("work_pool.snapshot.v1", next.getString("type"));
            assertEquals(2, next.getJsonObject("payload").getInt("snapshot_sequence"));
            assertEquals(4, next.getJsonObject("payload").getJsonObject("work_pool").getInt("concurrency_limit"));
            // the heartbeat frame is stored by the connection's reader, the snapshot sent from the event bus: either
            // may come first
            Instant second = first;
            for (long until = System.nanoTime() + WAIT.toNanos(); !second.isAfter(first) && System.nanoTime() < until; ) {
                Thread.sleep(50);
                second = Instant.parse(api.post("/work_pools/chan-pool/workers/filter", "{}").array()
                        .getJsonObject(0).getString("last_heartbeat_time"));
            }
            assertTrue(second.isAfter(first), "the heartbeat was recorded");

            // an ack of a message the pool's queue does not have
            String ack = frame("cleanup.ack.v1", "{\"message_id\":\"" + UUID.randomUUID() + "\",\"reservation_token\":\"t\"}");
            socket.text(ack);
            JsonObject result = json(socket.readText(WAIT)).getJsonObject("payload");
            assertEquals(json(ack).getString("id"), result.getString("request_frame_id"));
            assertEquals("not_found", result.getString("status"));
            assertEquals("message_not_found", result.getString("reason"));

            socket.text(frame("worker.heartbeat.v1", "{\"consumer_id\":\"" + UUID.randomUUID() + "\",\"worker_name\":\"raw-worker\","
                    + "\"heartbeat_interval_seconds\":5}"));
            assertEquals("1002 protocol_error", closeOf(socket), "a heartbeat of another consumer");
        }
    }

    @Test
    void aWorkerWithoutCleanupDeliveryHasItsCleanupOperationsRefused() throws Exception {
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(frame("worker.hello.v1", "{\"consumer_id\":\"" + UUID.randomUUID() + "\",\"worker_name\":\"plain\","
                    + "\"worker_type\":\"process\",\"heartbeat_interval_seconds\":5,"
                    + "\"supported_channel_versions\":[\"work_pool_worker_channel.v1\"],"
                    + "\"requested_capabilities\":[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"]}"));
            JsonObject payload = json(socket.readText(WAIT)).getJsonObject("payload");
            assertEquals("[\"cleanup_delivery.v1\"]", payload.get("rejected_capabilities").toString(), "no kinds handled");
            assertEquals(0, payload.getInt("effective_max_cleanup_concurrency"));
            socket.text(frame("cleanup.renew.v1", "{\"message_id\":\"" + UUID.randomUUID() + "\",\"reservation_token\":\"t\"}"));
            JsonObject result = json(socket.readText(WAIT)).getJsonObject("payload");
            assertEquals("renew", result.getString("operation"));
            assertEquals("unauthorized", result.getString("status"));
            assertEquals("cleanup_delivery_not_accepted", result.getString("reason"));
        }
    }

    @Test
    void aWorkerMayCreateItsPoolThroughTheChannel() throws Exception {
        try (RawWebSocket socket = authenticated("chan-created")) {
            socket.text(hello(UUID.randomUUID(), "creator", "[\"work_pool_worker_channel.v1\"]",
                    ",\"create_pool_if_not_found\":true,\"default_base_job_template\":{\"job_configuration\":{\"c\":\"{{ c }}\"},"
                            + "\"variables\":{\"properties\":{\"c\":{}}}}"));
            assertEquals("worker.ready.v1", json(socket.readText(WAIT)).getString("type"));
        }
        JsonObject pool = api.get("/work_pools/chan-created").expect(200).object();
        assertEquals("process", pool.getString("type"));
        assertTrue(pool.getJsonObject("base_job_template").containsKey("job_configuration"));
    }

    /**
     * The auth frame must come within the auth timeout (1008 {@code authentication_failed}, which Prefect's worker
     * takes as final) and be at most 64 KB (1009); a larger hello after it is taken.
     */
    @Test
    void authFrameMustComeInTimeAndBeAtMost64KB() throws Exception {
        int limit = 64 * 1024;
        String auth = "{\"type\":\"auth\",\"token\":\"" + key + "\"}";
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            long opened = System.nanoTime();
            assertTrue(socket.pingPong(new byte[] {1}, WAIT), "a ping before auth is answered, and is no auth frame");
            assertEquals("1008 authentication_failed", closeOf(socket));
            Duration waited = Duration.ofNanos(System.nanoTime() - opened);
            assertTrue(waited.toMillis() >= TimeUnit.SECONDS.toMillis(TestStack.WS_AUTH_TIMEOUT_SECONDS) - 500,
                    "closed after " + waited);
        }
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text(WebSocketBadInputIT.padded(auth, limit + 1));
            assertEquals("1009 auth frame over " + limit + " bytes", closeOf(socket));
        }
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text(WebSocketBadInputIT.padded(auth, limit));
            assertEquals("{\"type\":\"auth_success\"}", socket.readText(WAIT), "an auth frame of 64 KB");
            String hello = hello(UUID.randomUUID(), "big-hello", "[\"work_pool_worker_channel.v1\"]", "");
            socket.text(WebSocketBadInputIT.padded(hello, 3 * limit));
            assertEquals("worker.ready.v1", json(socket.readText(WAIT)).getString("type"), "a 192 KB hello after auth");
        }
    }

    @Test
    void refusalsCloseWithPrefectsCodesAndReasons() throws Exception {
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text("{\"type\":\"auth\",\"token\":\"stw_nope_nope\"}");
            assertEquals("1008 authentication_failed", closeOf(socket));
        }
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text("not json");
            assertEquals("1008 authentication_failed", closeOf(socket));
        }
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + Workspaces.issueKey(ws, "viewer") + "\"}");
            assertEquals("1008 authentication_failed", closeOf(socket), "a viewer's key may not heartbeat");
        }
        String otherKey = Workspaces.issueKey(Workspaces.create("channel-other"), "owner");
        try (RawWebSocket socket = RawWebSocket.open(path("chan-pool"))) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + otherKey + "\"}");
            assertEquals("1008 authentication_failed", closeOf(socket), "a key of another workspace");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text("{\"type\":\"worker.hello.v1\"");
            assertEquals("1002 protocol_error", closeOf(socket), "not JSON");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(frame("worker.heartbeat.v1", "{\"consumer_id\":\"" + UUID.randomUUID() + "\",\"worker_name\":\"w\","
                    + "\"heartbeat_interval_seconds\":5}"));
            assertEquals("1002 protocol_error", closeOf(socket), "a first frame other than hello");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(frame("worker.hello.v1", "{\"consumer_id\":\"" + UUID.randomUUID() + "\"}"));
            assertEquals("1002 protocol_error", closeOf(socket), "a hello without its fields");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(frame("worker.goodbye.v1", "{}"));
            assertEquals("1002 protocol_error", closeOf(socket), "an unknown frame type");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v1\"]", ",\"surprise\":1"));
            assertEquals("1002 protocol_error", closeOf(socket), "an extra field");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v2\"]", ""));
            assertEquals("1008 unsupported_version", closeOf(socket));
        }
        try (RawWebSocket socket = authenticated("no-such-pool")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v1\"]", ""));
            assertEquals("1008 authorization_failed", closeOf(socket), "an unknown pool, not to be created");
        }
        try (RawWebSocket socket = authenticated("prefect-reserved")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v1\"]", ",\"create_pool_if_not_found\":true"));
            assertEquals("1008 authorization_failed", closeOf(socket), "a reserved name");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v1\"]", ",\"work_queue_names\":[\"nope\"]"));
            assertEquals("1008 authorization_failed", closeOf(socket), "an unknown queue");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(UUID.randomUUID(), "w", "[\"work_pool_worker_channel.v1\"]", ""));
            assertNotNull(socket.readText(WAIT));
            socket.text(frame("work_pool.snapshot.v1", "{}"));
            assertEquals("1002 protocol_error", closeOf(socket), "a frame only the server sends");
        }
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.frame(RawWebSocket.BINARY, new byte[] {1, 2}, true, true, 0);
            assertEquals("1002 protocol_error", closeOf(socket), "a binary frame");
        }
        // the server still serves a good worker
        try (RawWebSocket socket = authenticated("chan-pool")) {
            socket.text(hello(UUID.randomUUID(), "after", "[\"work_pool_worker_channel.v1\"]", ""));
            assertEquals("worker.ready.v1", json(socket.readText(WAIT)).getString("type"));
        }
    }
}
