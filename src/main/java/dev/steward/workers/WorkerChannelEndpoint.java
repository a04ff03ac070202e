package dev.steward.workers;

import dev.steward.access.Admission;
import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.WebSocketAuth;
import dev.steward.events.EventBus;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.WebSocketLimits;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The worker channel, {@code WS /work_pools/{name}/workers/connect}, as Prefect 3.9.1's workers speak it: subprotocol
 * {@code prefect} (required: without it the upgrade is closed 1008), an auth frame with a tenant API key of a
 * developer or more ({@code auth_success}, else 1008 {@code authentication_failed}), then {@code worker.hello.v1}, answered with
 * {@code worker.ready.v1} ({@link WorkerChannel#ready}). After that the worker sends {@code worker.heartbeat.v1}
 * (recorded as the worker's heartbeats, marked as channel ones) and the server sends {@code work_pool.snapshot.v1}
 * whenever the pool changes (an event on the pool, from any instance, or a change seen at a heartbeat).
 *
 * <p>Close codes and reasons are Prefect's: 1008 for authentication, authorization (unknown pool or queue) and an
 * unsupported version; 1002 {@code protocol_error} for a frame that is not JSON, not a valid frame, or of a type the
 * server does not take at that point (a worker must not send ready, snapshot or cleanup messages); 1011 for a
 * heartbeat that could not be stored or a server failure, which the worker retries. Incoming frames are dispatched by
 * type: heartbeats here, the types of other capabilities (the cleanup queue's {@code cleanup.ack|release|renew.v1})
 * to their {@link ChannelHandler}, which is given each worker once its ready frame is out.
 *
 * <p>Limits ({@link WebSocketLimits}): an auth frame that does not come within the auth timeout closes the channel
 * with 1008 {@code authentication_failed}, one over {@value WebSocketLimits#AUTH_FRAME_MAX_BYTES} bytes with 1009; the
 * container closes a channel idle for the idle timeout (nothing received, pings included, nor sent) with 1000, which
 * Prefect's worker takes as a lost connection and reconnects.
 */
// a worker writes (heartbeats, a pool it may create): a developer's key, as for the REST heartbeat
@MinRole(Role.DEVELOPER)
@ServerEndpoint(value = "/api/workspaces/{workspace}/work_pools/{pool}/workers/connect", subprotocols = {"prefect"})
public class WorkerChannelEndpoint {
    private static final Logger LOG = Logger.getLogger(WorkerChannelEndpoint.class.getName());
    private static final String HEARTBEAT = "worker.heartbeat.v1";
    static final int MAX_FRAME_BYTES = 1024 * 1024;
    /** Pool events after which connected workers get a fresh snapshot. */
    private static final Set<String> POOL_EVENTS = Set.of("prefect.work-pool.updated", "prefect.work-pool.paused",
            "prefect.work-pool.ready", "prefect.work-pool.not-ready");

    @Inject
    WebSocketAuth auth;

    @Inject
    WorkerChannel channel;

    @Inject
    EventBus bus;

    @Inject
    Instance<ChannelHandler> handlers;

    @Resource
    ManagedExecutorService executor;

    @Inject
    WebSocketLimits limits;

    private enum Phase { AUTH, HELLO, READY, CLOSED }

    private volatile Phase phase = Phase.AUTH;
    private Admission admission;
    private UUID poolId;
    private ChannelFrames.Hello hello;
    private volatile Instant poolUpdated;
    private int snapshotSequence = 1;
    private EventBus.Registration registration;
    /** The handlers' parts of this channel, by the frame types they take (set once the worker is ready). */
    private volatile Map<String, ChannelHandler.Connection> handled = Map.of();
    private volatile Session currentSession;
    private ScheduledFuture<?> authTimer;
    private volatile boolean authFrameCame;

    @OnOpen
    public void open(Session session, @PathParam("workspace") String workspaceRef, @PathParam("pool") String pool)
            throws IOException {
        session.setMaxIdleTimeout(limits.idleTimeoutMillis());
        session.getUserProperties().put("workspace", workspaceRef);
        session.getUserProperties().put("pool", pool);
        if (!"prefect".equals(session.getNegotiatedSubprotocol())) {
            close(session, WorkerChannel.CloseReason.AUTHENTICATION_FAILED);
            return;
        }
        authTimer = limits.afterAuthTimeout(() -> {
            if (authFrameCame || !session.isOpen()) return;
            LOG.fine("worker channel: no auth frame in time");
            try {
                close(session, WorkerChannel.CloseReason.AUTHENTICATION_FAILED);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "worker channel: closing", e);
            }
        });
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void message(String text, Session session) throws IOException {
        if (phase == Phase.CLOSED) return;
        try {
            switch (phase) {
                case AUTH -> authenticate(text, session);
                case HELLO -> hello(ChannelFrames.frame(text), session);
                default -> {
                    ChannelFrames.Frame frame = ChannelFrames.frame(text);
                    ChannelHandler.Connection handler = handled.get(frame.type());
                    if (frame.type().equals(HEARTBEAT)) {
                        heartbeat(frame, session);
                    } else if (handler != null) {
                        handler.receive(frame);
                    } else {
                        throw new ChannelFrames.Violation("unexpected " + frame.type());
                    }
                }
            }
        } catch (ChannelFrames.Violation e) {
            LOG.fine(() -> "worker channel: protocol error: " + e.getMessage());
            close(session, WorkerChannel.CloseReason.PROTOCOL_ERROR);
        } catch (WorkerChannel.Close e) {
            LOG.fine(() -> "worker channel: closing, " + e.reason.wireName() + ": " + e.getMessage());
            close(session, e.reason);
        } catch (Problem e) {
            // what the setup refused (Prefect closes an HTTP error of the setup as a protocol error)
            close(session, WorkerChannel.CloseReason.PROTOCOL_ERROR);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "worker channel: closing after an unexpected failure", e);
            close(session, WorkerChannel.CloseReason.TRANSIENT_SERVER_ERROR);
        }
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void binary(ByteBuffer data, Session session) throws IOException {
        close(session, WorkerChannel.CloseReason.PROTOCOL_ERROR);
    }

    private void authenticate(String text, Session session) throws IOException {
        authFrameCame = true; // in time, however long the check takes
        authTimer.cancel(false);
        if (WebSocketLimits.oversizedAuthFrame(text)) {
            end();
            session.close(new jakarta.websocket.CloseReason(CloseCodes.TOO_BIG,
                    "auth frame over " + WebSocketLimits.AUTH_FRAME_MAX_BYTES + " bytes"));
            return;
        }
        JsonObject frame;
        try {
            frame = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            frame = JsonObject.EMPTY_JSON_OBJECT;
        }
        Optional<Admission> admitted = auth.admit((String) session.getUserProperties().get("workspace"), frame,
                WorkerChannelEndpoint.class);
        if (admitted.isEmpty()) {
            close(session, WorkerChannel.CloseReason.AUTHENTICATION_FAILED);
            return;
        }
        admission = admitted.get();
        phase = Phase.HELLO;
        send(session, "{\"type\":\"auth_success\"}");
    }

    private void hello(ChannelFrames.Frame frame, Session session) throws Exception {
        if (!frame.type().equals("worker.hello.v1")) throw new ChannelFrames.Violation("expected worker.hello.v1");
        hello = ChannelFrames.hello(frame);
        String pool = (String) session.getUserProperties().get("pool");
        WorkerChannel.Ready ready = admission.call(() -> channel.ready(pool, hello));
        poolId = ready.poolId();
        poolUpdated = ready.poolUpdated();
        // listen before the ready frame goes out, so that no change after it is missed
        currentSession = session;
        registration = bus.listen(admission.workspaceId(), this::poolEvent);
        phase = Phase.READY;
        send(session, ready.frame().toString());
        Map<String, ChannelHandler.Connection> connections = new HashMap<>();
        ConnectedWorker worker = new Connected(ready, session);
        try {
            for (ChannelHandler handler : handlers) {
                ChannelHandler.Connection connection = handler.connect(worker);
                handler.frameTypes().forEach(type -> connections.put(type, connection));
            }
        } finally {
            // set even when a handler failed, so that closing the channel lets go of those that connected
            handled = Map.copyOf(connections);
        }
        if (phase == Phase.CLOSED) end(); // closed while the handlers connected: they are let go of now
        LOG.info(() -> "worker channel: worker '" + hello.workerName() + "' of pool '" + pool + "' connected");
    }

    private void heartbeat(ChannelFrames.Frame frame, Session session) throws Exception {
        ChannelFrames.Heartbeat beat = ChannelFrames.heartbeat(frame);
        if (!beat.consumerId().equals(hello.consumerId()) || !beat.workerName().equals(hello.workerName())) {
            throw new ChannelFrames.Violation("heartbeat of another worker");
        }
        Optional<Instant> updated;
        try {
            updated = admission.call(() -> channel.heartbeat(poolId, beat));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "worker channel: heartbeat not stored", e);
            throw new WorkerChannel.Close(WorkerChannel.CloseReason.HEARTBEAT_PERSISTENCE_FAILED, "heartbeat not stored");
        }
        if (updated.isEmpty()) {
            throw new WorkerChannel.Close(WorkerChannel.CloseReason.HEARTBEAT_PERSISTENCE_FAILED, "work pool deleted");
        }
        if (!updated.get().equals(poolUpdated)) sendSnapshot(session, "heartbeat_reconciliation");
    }

    /** This channel as the handlers see it once the worker is ready. */
    private final class Connected implements ConnectedWorker {
        private final WorkerChannel.Ready ready;
        private final Session session;

        Connected(WorkerChannel.Ready ready, Session session) {
            this.ready = ready;
            this.session = session;
        }

        @Override
        public String toString() {
            return "worker '" + hello.workerName() + "' of pool " + poolId;
        }

        public UUID workspaceId() { return admission.workspaceId(); }
        public UUID poolId() { return ready.poolId(); }
        public String name() { return hello.workerName(); }
        public List<UUID> queueIds() { return ready.queueIds(); }
        public boolean acceptsCleanup() { return ready.cleanup(); }
        public Set<String> cleanupKinds() { return Set.copyOf(hello.cleanupKinds()); }
        public int maxCleanupConcurrency() { return hello.maxCleanupConcurrency(); }

        public boolean send(JsonObject frame) {
            if (phase != Phase.READY) return false;
            try {
                WorkerChannelEndpoint.this.send(session, frame.toString());
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "worker channel: frame not sent", e);
                return false;
            }
        }
    }

    /** A committed event of the workspace (from any instance): a change of this pool sends a snapshot. */
    private void poolEvent(JsonObject event) {
        JsonObject resource = event.getJsonObject("resource");
        if (phase != Phase.READY || resource == null || !POOL_EVENTS.contains(event.getString("event", ""))
                || !("prefect.work-pool." + poolId).equals(resource.getString("prefect.resource.id", ""))) {
            return;
        }
        Session session = currentSession;
        if (session != null) executor.execute(() -> sendSnapshot(session, "work_pool_updated"));
    }

    private synchronized void sendSnapshot(Session session, String reason) {
        if (phase != Phase.READY) return;
        try {
            Optional<WorkerChannel.Snapshot> snapshot = admission.call(
                    () -> channel.snapshot(poolId, snapshotSequence + 1, reason));
            if (snapshot.isEmpty()) return;
            snapshotSequence++;
            poolUpdated = snapshot.get().poolUpdated();
            send(session, snapshot.get().frame().toString());
        } catch (Exception e) {
            LOG.log(Level.FINE, "worker channel: snapshot not sent", e);
        }
    }

    @OnClose
    public void closed(Session session) {
        end();
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "worker channel connection error", error);
        end();
    }

    private void end() {
        phase = Phase.CLOSED;
        if (authTimer != null) authTimer.cancel(false);
        if (registration != null) registration.close();
        Set.copyOf(handled.values()).forEach(ChannelHandler.Connection::close);
        handled = Map.of();
    }

    /** Sends are serialised: snapshots go out from other threads than the one reading the worker's frames. */
    private synchronized void send(Session session, String text) throws IOException {
        session.getBasicRemote().sendText(text);
    }

    private void close(Session session, WorkerChannel.CloseReason reason) throws IOException {
        end();
        CloseCode code = CloseCodes.getCloseCode(reason.code);
        session.close(new jakarta.websocket.CloseReason(code, reason.wireName()));
    }
}
