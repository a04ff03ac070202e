package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The guarantee of {@code WS /events/in}: the server answers a ping only after every event sent before it is
 * committed, so once a ping sent after a batch of events is answered (the same check Prefect's client makes every 700
 * events), a crash loses none of them. Proven with SIGKILL of the app server and a restart.
 */
class EventsDurabilityIT {
    static final int TASKS = 500;

    @Test
    void acceptedEventsSurviveKillDashNine() throws Exception {
        String ws = Workspaces.create("durable");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);
        String flowId = api.post("/flows/", "{\"name\":\"durable\"}").expect(201).object().getString("id");
        String runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");

        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        CompletableFuture<Void> pong = new CompletableFuture<>();
        URI uri = URI.create(TestStack.get().appUrl().replace("http://", "ws://") + "/api/workspaces/" + ws + "/events/in");
        WebSocket socket = Api.HTTP.newWebSocketBuilder().subprotocols("prefect").buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                if (data.toString().contains("auth_success")) authenticated.complete(null);
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                pong.complete(null);
                w.request(1);
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"auth\",\"token\":\"" + key + "\"}", true).join();
        authenticated.get(20, TimeUnit.SECONDS);
        for (int i = 0; i < TASKS; i++) {
            socket.sendText(completedTaskEvent(runId, i), true).join();
        }
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
        pong.get(120, TimeUnit.SECONDS); // every event before the ping has been taken

        TestStack.get().stack().crashAndRestartApp();

        String count = Workspaces.api(ws, key).post("/task_runs/count",
                "{\"task_runs\":{\"flow_run_id\":{\"any_\":[\"" + runId + "\"]},\"state\":{\"type\":{\"any_\":[\"COMPLETED\"]}}}}")
                .expect(200).body().trim();
        assertEquals(String.valueOf(TASKS), count, "every accepted task-run event is recorded after a kill -9");
    }

    private static String completedTaskEvent(String flowRunId, int i) {
        String taskRunId = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"occurred\":\"" + now + "\",\"event\":\"prefect.task-run.Completed\","
                + "\"resource\":{\"prefect.resource.id\":\"prefect.task-run." + taskRunId + "\",\"prefect.resource.name\":\"t-" + i + "\"},"
                + "\"related\":[{\"prefect.resource.id\":\"prefect.flow-run." + flowRunId + "\",\"prefect.resource.role\":\"flow-run\"}],"
                + "\"payload\":{\"intended\":{\"from\":\"RUNNING\",\"to\":\"COMPLETED\"},\"initial_state\":null,"
                + "\"validated_state\":{\"type\":\"COMPLETED\",\"name\":\"Completed\",\"message\":\"\",\"state_details\":{},\"data\":null},"
                + "\"task_run\":{\"name\":\"t-" + i + "\",\"task_key\":\"t\",\"dynamic_key\":\"" + i + "\",\"run_count\":1,"
                + "\"start_time\":\"" + now + "\",\"end_time\":\"" + now + "\",\"total_run_time\":0.0}},\"follows\":null}";
    }
}
