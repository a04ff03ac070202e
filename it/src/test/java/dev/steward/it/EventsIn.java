package dev.steward.it;

import dev.steward.devstack.TestStack;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A client of {@code WS /events/in} as Prefect's is: the auth frame, events, and a ping whose pong confirms them. */
final class EventsIn implements AutoCloseable {
    private final WebSocket socket;
    private volatile CompletableFuture<Void> pong = new CompletableFuture<>();
    private volatile Throwable gone;

    private EventsIn(WebSocket socket) {
        this.socket = socket;
    }

    static EventsIn open(String workspace, String key) throws Exception {
        return open(TestStack.get().appUrl(), workspace, key);
    }

    /** A connection to the instance at {@code appUrl} (e.g. the stack's second one). */
    static EventsIn open(String appUrl, String workspace, String key) throws Exception {
        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        EventsIn[] self = new EventsIn[1];
        URI uri = URI.create(appUrl.replace("http://", "ws://") + "/api/workspaces/" + workspace + "/events/in");
        WebSocket socket = Api.HTTP.newWebSocketBuilder().subprotocols("prefect").buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                if (data.toString().contains("auth_success")) authenticated.complete(null);
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                self[0].pong.complete(null);
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                gone(new IllegalStateException("closed: " + status + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                gone(error);
            }

            /** The server went away: whoever waits for a confirmation learns it now. */
            private void gone(Throwable why) {
                authenticated.completeExceptionally(why);
                if (self[0] != null) {
                    self[0].gone = why;
                    self[0].pong.completeExceptionally(why);
                }
            }
        }).get(60, TimeUnit.SECONDS);
        self[0] = new EventsIn(socket);
        socket.sendText("{\"type\":\"auth\",\"token\":\"" + key + "\"}", true).join();
        authenticated.get(20, TimeUnit.SECONDS);
        return self[0];
    }

    void send(String event) {
        socket.sendText(event, true).join();
    }

    /** Returns once the server has answered: every event sent before is then committed. */
    void confirm() throws Exception {
        pong = new CompletableFuture<>();
        if (gone != null) throw new IllegalStateException("the connection is gone", gone);
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
        pong.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    /**
     * A {@code prefect.task-run.Completed} event as the client sends it, for a task run of the given flow run.
     *
     * @param upstream the task run whose result this one takes as input, or null
     */
    static String completedTask(String flowRunId, String taskRunId, int index, String upstream) {
        return completedTask(UUID.randomUUID().toString(), flowRunId, taskRunId, index, upstream);
    }

    /** The same, with the event's id given (a client chooses it). */
    static String completedTask(String eventId, String flowRunId, String taskRunId, int index, String upstream) {
        String now = Instant.now().toString();
        String inputs = upstream == null ? "{}"
                : "{\"x\":[{\"input_type\":\"task_run\",\"id\":\"" + upstream + "\"}]}";
        return "{\"id\":\"" + eventId + "\",\"occurred\":\"" + now + "\",\"event\":\"prefect.task-run.Completed\","
                + "\"resource\":{\"prefect.resource.id\":\"prefect.task-run." + taskRunId + "\",\"prefect.resource.name\":\"t-" + index + "\"},"
                + "\"related\":[{\"prefect.resource.id\":\"prefect.flow-run." + flowRunId + "\",\"prefect.resource.role\":\"flow-run\"}],"
                + "\"payload\":{\"intended\":{\"from\":\"RUNNING\",\"to\":\"COMPLETED\"},\"initial_state\":null,"
                + "\"validated_state\":{\"type\":\"COMPLETED\",\"name\":\"Completed\",\"message\":\"\",\"state_details\":{},\"data\":null},"
                + "\"task_run\":{\"name\":\"t-" + index + "\",\"task_key\":\"t\",\"dynamic_key\":\"" + index + "\",\"run_count\":1,"
                + "\"task_inputs\":" + inputs + ","
                + "\"start_time\":\"" + now + "\",\"end_time\":\"" + now + "\",\"total_run_time\":0.0}},\"follows\":null}";
    }
}
