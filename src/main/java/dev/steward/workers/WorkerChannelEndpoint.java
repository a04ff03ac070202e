package dev.steward.workers;

import dev.steward.access.Admission;
import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.WebSocketAuth;
import dev.steward.cleanup.CleanupDispatcher;
import dev.steward.cleanup.CleanupMessage;
import dev.steward.cleanup.OperationResult;
import dev.steward.cleanup.PoolKey;
import dev.steward.events.EventBus;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.WebSocketLimits;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
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
 * type through {@link #HANDLERS}.
 *
 * <p>A worker whose hello asked for {@code cleanup_delivery.v1} with kinds to handle is registered with the
 * {@link CleanupDispatcher} once its ready frame is out: it is sent {@code cleanup.message.v1} for messages of its
 * pool and kinds, within its {@code max_cleanup_concurrency}, and its {@code cleanup.ack|release|renew.v1} are applied
 * to the queue and answered with {@code cleanup.operation_result.v1}; other workers' cleanup operations are answered
 * {@code unauthorized} ({@code cleanup_delivery_not_accepted}), as Prefect's server does.
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
    CleanupDispatcher cleanup;

    @Resource
    ManagedExecutorService executor;

    @Inject
    WebSocketLimits limits;

    private enum Phase { AUTH, HELLO, READY, CLOSED }

    private interface Handler {
        void handle(WorkerChannelEndpoint connection, ChannelFrames.Frame frame, Session session) throws Exception;
    }

    /** What a ready connection does with each frame type; a type not here is a protocol error. */
    private static final Map<String, Handler> HANDLERS = Map.of(
            "worker.heartbeat.v1", WorkerChannelEndpoint::heartbeat,
            "cleanup.ack.v1", WorkerChannelEndpoint::cleanupOperation,
            "cleanup.release.v1", WorkerChannelEndpoint::cleanupOperation,
            "cleanup.renew.v1", WorkerChannelEndpoint::cleanupOperation);

    private volatile Phase phase = Phase.AUTH;
    private Admission admission;
    private UUID poolId;
    private ChannelFrames.Hello hello;
    private volatile Instant poolUpdated;
    private int snapshotSequence = 1;
    private EventBus.Registration registration;
    private volatile CleanupWorker cleanupWorker;
    private CleanupDispatcher.Registration cleanupRegistration;
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
                    Handler handler = HANDLERS.get(frame.type());
                    if (handler == null) throw new ChannelFrames.Violation("unexpected " + frame.type());
                    handler.handle(this, frame, session);
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
        if (ready.cleanup()) {
            cleanupWorker = new CleanupWorker(new PoolKey(admission.workspaceId(), poolId), Set.copyOf(hello.cleanupKinds()),
                    Set.copyOf(ready.queueIds()), hello.maxCleanupConcurrency(), session);
            cleanupRegistration = cleanup.register(cleanupWorker);
        }
        LOG.info(() -> "worker channel: worker '" + hello.workerName() + "' of pool '" + pool + "' connected");
    }

    private static void heartbeat(WorkerChannelEndpoint c, ChannelFrames.Frame frame, Session session) throws Exception {
        ChannelFrames.Heartbeat beat = ChannelFrames.heartbeat(frame);
        if (!beat.consumerId().equals(c.hello.consumerId()) || !beat.workerName().equals(c.hello.workerName())) {
            throw new ChannelFrames.Violation("heartbeat of another worker");
        }
        Optional<Instant> updated;
        try {
            updated = c.admission.call(() -> c.channel.heartbeat(c.poolId, beat));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "worker channel: heartbeat not stored", e);
            throw new WorkerChannel.Close(WorkerChannel.CloseReason.HEARTBEAT_PERSISTENCE_FAILED, "heartbeat not stored");
        }
        if (updated.isEmpty()) {
            throw new WorkerChannel.Close(WorkerChannel.CloseReason.HEARTBEAT_PERSISTENCE_FAILED, "work pool deleted");
        }
        if (!updated.get().equals(c.poolUpdated)) c.sendSnapshot(session, "heartbeat_reconciliation");
    }

    /** This connection as the cleanup dispatcher sees it. */
    private final class CleanupWorker implements CleanupDispatcher.Worker {
        private final PoolKey pool;
        private final Set<String> kinds;
        private final Set<UUID> queueIds;
        private final int maxConcurrency;
        private final Session session;

        CleanupWorker(PoolKey pool, Set<String> kinds, Set<UUID> queueIds, int maxConcurrency, Session session) {
            this.pool = pool;
            this.kinds = kinds;
            this.queueIds = queueIds;
            this.maxConcurrency = maxConcurrency;
            this.session = session;
        }

        @Override
        public String toString() {
            return "worker '" + hello.workerName() + "' of pool " + pool.workPoolId();
        }

        public PoolKey pool() { return pool; }
        public String name() { return hello.workerName(); }
        public Set<String> kinds() { return kinds; }
        public Set<UUID> queueIds() { return queueIds; }
        public int maxConcurrency() { return maxConcurrency; }

        public boolean deliver(CleanupMessage reserved) {
            if (phase != Phase.READY) return false;
            try {
                send(session, ChannelFrames.cleanupMessage(reserved).toString());
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "worker channel: cleanup message not sent", e);
                return false;
            }
        }
    }

    /** An ack, release or renew: applied when this worker accepted cleanup delivery, else refused as Prefect does. */
    private static void cleanupOperation(WorkerChannelEndpoint c, ChannelFrames.Frame frame, Session session)
            throws Exception {
        ChannelFrames.CleanupOp op = ChannelFrames.cleanupOperation(frame);
        CleanupWorker worker = c.cleanupWorker;
        JsonObject answer;
        if (worker == null) {
            answer = ChannelFrames.operationResult(frame.id(), op.messageId(), op.operation(), "unauthorized",
                    "cleanup_delivery_not_accepted", null);
        } else {
            OperationResult r = c.cleanup.operate(worker, op.operation(), op.messageId(), op.token(), op.reason());
            answer = ChannelFrames.operationResult(frame.id(), op.messageId(), op.operation(), r.status().wire(),
                    r.reason(), r.leaseExpiresAt());
        }
        c.send(session, answer.toString());
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
        // deliveries in flight stay reserved: the worker may still ack them, else their leases expire
        if (cleanupRegistration != null) cleanupRegistration.close();
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
