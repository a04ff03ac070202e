package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The cleanup queue through the deployed server: a run left CANCELLING past the test stack's timeout (10 s) is
 * cancelled and its teardown delivered over the worker channel to a worker that handles the kind, in Prefect's frames;
 * renew, release (redelivered after the backoff with a new token), a stale token, ack and a second ack get Prefect's
 * answers; the operators' API shows the figures to an admin only, and /metrics has the queue's figures.
 */
class CleanupQueueIT {
    private static final Duration PRODUCED = Duration.ofSeconds(40);

    @Test
    void aStuckRunsTeardownIsDeliveredRenewedReleasedRedeliveredAndAcked() throws Exception {
        String ws = Workspaces.create("cleanup");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);
        Api admin = Workspaces.api(ws, Workspaces.issueKey(ws, "admin"));
        api.post("/work_pools/", "{\"name\":\"teardown-pool\",\"type\":\"process\"}").expect(201);
        String flow = api.post("/flows/", "{\"name\":\"stuck-flow\"}").object().getString("id");
        String run = api.post("/flow_runs/", "{\"flow_id\":\"" + flow + "\",\"work_pool_name\":\"teardown-pool\"}")
                .object().getString("id");
        api.patch("/flow_runs/" + run, "{\"infrastructure_pid\":\"host:4242\"}").expect(204);
        api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"RUNNING\"}}").expect(201);

        try (RawWebSocket socket = RawWebSocket.open("/api/workspaces/" + ws + "/work_pools/teardown-pool/workers/connect")) {
            socket.text("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
            assertEquals("{\"type\":\"auth_success\"}", socket.readText(WorkerChannelIT.WAIT));
            socket.text(WorkerChannelIT.frame("worker.hello.v1", "{\"consumer_id\":\"" + UUID.randomUUID()
                    + "\",\"worker_name\":\"tearer\",\"worker_type\":\"process\",\"heartbeat_interval_seconds\":30,"
                    + "\"supported_channel_versions\":[\"work_pool_worker_channel.v1\"],"
                    + "\"requested_capabilities\":[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"],"
                    + "\"handled_cleanup_kinds\":[\"cancelling_timeout_teardown.v1\"]}"));
            JsonObject ready = WorkerChannelIT.json(socket.readText(WorkerChannelIT.WAIT)).getJsonObject("payload");
            assertEquals(1, ready.getInt("effective_max_cleanup_concurrency"), "Prefect's default of one at a time");
            String queueId = ready.getJsonArray("resolved_work_queues").getJsonObject(0).getString("id");

            Instant stuckSince = Instant.now();
            api.post("/flow_runs/" + run + "/set_state", "{\"state\":{\"type\":\"CANCELLING\"}}").expect(201);
            JsonObject first = nextCleanupMessage(socket, PRODUCED);
            assertTrue(Duration.between(stuckSince, Instant.now()).toSeconds() >= 9, "not before the timeout");
            assertEquals("cancelling_timeout_teardown.v1", first.getString("kind"));
            assertEquals(run, first.getJsonObject("target").getString("flow_run_id"));
            assertEquals("host:4242", first.getJsonObject("target").getString("infrastructure_pid"));
            assertEquals(1, first.getInt("delivery_count"));
            assertEquals(queueId, first.getString("work_queue_id"));
            assertEquals("{}", first.getJsonObject("data").toString());
            assertTrue(Instant.parse(first.getString("lease_expires_at")).isAfter(Instant.now().plusSeconds(20)));
            // the message is enqueued inside the cancelling transaction, so it may arrive just before the commit
            JsonObject cancelled = api.get("/flow_runs/" + run).object().getJsonObject("state");
            for (int i = 0; i < 50 && !cancelled.getString("type").equals("CANCELLED"); i++) {
                Thread.sleep(100);
                cancelled = api.get("/flow_runs/" + run).object().getJsonObject("state");
            }
            assertEquals("CANCELLED", cancelled.getString("type"));
            assertEquals("Flow run cancellation timed out; marked this flow run as Cancelled.", cancelled.getString("message"));
            String messageId = first.getString("message_id");
            String token1 = first.getString("reservation_token");

            JsonObject renewed = operate(socket, "cleanup.renew.v1", messageId, token1, null);
            assertEquals("accepted", renewed.getString("status"));
            assertNotNull(Instant.parse(renewed.getString("lease_expires_at")));
            assertEquals("invalid_token", operate(socket, "cleanup.ack.v1", messageId, "not-the-token", null).getString("status"));
            JsonObject released = operate(socket, "cleanup.release.v1", messageId, token1, "infrastructure_not_available");
            assertEquals("accepted", released.getString("status"));
            assertTrue(released.isNull("lease_expires_at"));

            JsonObject second = nextCleanupMessage(socket, Duration.ofSeconds(10));
            assertEquals(messageId, second.getString("message_id"), "redelivered after the backoff");
            assertEquals(2, second.getInt("delivery_count"));
            String token2 = second.getString("reservation_token");
            assertNotEquals(token1, token2);
            JsonObject stale = operate(socket, "cleanup.ack.v1", messageId, token1, null);
            assertEquals("invalid_token", stale.getString("status"));
            assertEquals("reservation_token_mismatch", stale.getString("reason"));
            assertEquals("accepted", operate(socket, "cleanup.ack.v1", messageId, token2, null).getString("status"));
            JsonObject again = operate(socket, "cleanup.ack.v1", messageId, token2, null);
            assertEquals("not_found", again.getString("status"));
            assertEquals("message_not_found", again.getString("reason"));

            JsonObject stats = admin.get("/cleanup/teardown-pool").expect(200).object();
            assertEquals(1, stats.getInt("enqueued"));
            assertEquals(1, stats.getInt("acked"));
            assertEquals(1, stats.getInt("retries"));
            assertEquals(0, stats.getInt("in_flight") + stats.getInt("visible") + stats.getInt("dead_letters"));
            JsonObject message = admin.get("/cleanup/teardown-pool/messages/" + messageId).expect(200).object();
            assertEquals("acked", message.getString("state"));
            assertEquals("[\"released\",\"acked\"]", message.getJsonArray("history").stream()
                    .map(h -> h.asJsonObject().get("outcome").toString()).toList().toString().replace(", ", ","));
            assertEquals(1, admin.get("/cleanup").expect(200).array().size());
            assertEquals("[]", admin.get("/cleanup/teardown-pool/dead_letters").expect(200).body());
            admin.post("/cleanup/teardown-pool/dead_letters/" + messageId + "/redrive", "{}").expect(404);
            admin.get("/cleanup/no-such-pool").expect(404);
            admin.get("/cleanup/teardown-pool/dead_letters?limit=0").expect(422);
            api.get("/cleanup/teardown-pool").expect(403);

            String metrics = Api.HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.get().appUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String name : List.of("steward_cleanup_acked_total", "steward_cleanup_in_flight",
                    "steward_cleanup_dead_letters", "steward_cleanup_retries_total", "steward_cleanup_delivery_latency")) {
                assertTrue(metrics.contains(name), name + " is on /metrics");
            }
        }
    }

    /** The next cleanup.message.v1 payload, skipping snapshots. */
    private static JsonObject nextCleanupMessage(RawWebSocket socket, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            String text = socket.readText(within);
            assertNotNull(text, "the channel closed or nothing came");
            JsonObject frame = WorkerChannelIT.json(text);
            if (frame.getString("type").equals("cleanup.message.v1")) return frame.getJsonObject("payload");
        }
        throw new AssertionError("no cleanup message within " + within);
    }

    /** Sends an operation and returns the payload of its result. */
    private static JsonObject operate(RawWebSocket socket, String type, String messageId, String token, String reason)
            throws Exception {
        String frame = WorkerChannelIT.frame(type, "{\"message_id\":\"" + messageId + "\",\"reservation_token\":\""
                + token + "\"" + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + "}");
        socket.text(frame);
        for (int i = 0; i < 10; i++) {
            JsonObject answer = WorkerChannelIT.json(socket.readText(WorkerChannelIT.WAIT));
            if (!answer.getString("type").equals("cleanup.operation_result.v1")) continue;
            JsonObject payload = answer.getJsonObject("payload");
            assertEquals(WorkerChannelIT.json(frame).getString("id"), payload.getString("request_frame_id"));
            assertEquals(messageId, payload.getString("message_id"));
            return payload;
        }
        throw new AssertionError("no operation result");
    }
}
