package dev.steward.events;

import dev.steward.access.Admission;
import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.WebSocketAuth;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.WebSocketFrames;
import dev.steward.platform.WebSocketLimits;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefect's events stream, {@code WS /events/out}: subprotocol {@code prefect}; the first frame authenticates
 * ({@code {"type":"auth","token":<API key>}} → {@code {"type":"auth_success"}}, else close 1008); the second sets the
 * filter ({@code {"type":"filter","filter":…,"backfill":true}}, a bad one closes with 1002). Then the stream sends
 * {@code {"type":"event","event":…}}: first the stored matching events of the last 15 minutes in order (backfill),
 * then committed events live, without duplicates. The HTTP upgrade itself is not authenticated (a WebSocket client
 * sends its credentials in the first frame). A frame that is not JSON closes with 1002, one over
 * {@value #MAX_FRAME_BYTES} bytes with 1009, a binary one with 1003.
 *
 * <p>Limits ({@link WebSocketLimits}): the auth frame must come within the auth timeout (else 1008) and be at most
 * {@value WebSocketLimits#AUTH_FRAME_MAX_BYTES} bytes (else 1009); the container closes a connection idle for the idle
 * timeout (nothing received, pings included, nor sent: a subscriber that stops reading is ended by its backlog
 * instead, see {@link EventSubscription}); a key past its share of subscribers, or an instance past its total, is
 * closed with 1013 ({@link EventsOutLimits}).
 */
@MinRole(Role.VIEWER)
@ServerEndpoint(value = "/api/workspaces/{workspace}/events/out", subprotocols = {"prefect"})
public class EventsOutEndpoint {
    private static final Logger LOG = Logger.getLogger(EventsOutEndpoint.class.getName());
    static final Duration MAX_BACKFILL = Duration.ofMinutes(15);
    static final int BACKFILL_LIMIT = 1000;
    /** Auth and filter frames are small; a larger frame is closed with 1009 (message too big). */
    static final int MAX_FRAME_BYTES = 1024 * 1024;

    @Inject
    WebSocketAuth auth;

    @Inject
    EventStore store;

    @Inject
    EventBus bus;

    @Inject
    WebSocketLimits limits;

    @Inject
    EventsOutLimits outLimits;

    @Resource
    ManagedExecutorService executor;

    private Admission admission;
    private volatile EventsOutLimits.Place place;
    private volatile EventSubscription subscription;
    private volatile boolean authFrameCame;
    private ScheduledFuture<?> authTimer;

    @OnOpen
    public void open(Session session, @PathParam("workspace") String slugOrId) {
        session.setMaxIdleTimeout(limits.idleTimeoutMillis());
        session.getUserProperties().put("workspace", slugOrId);
        authTimer = limits.afterAuthTimeout(() -> {
            if (!authFrameCame) closeQuietly(session, CloseCodes.VIOLATED_POLICY, "No auth frame within "
                    + limits.authTimeoutMillis() / 1000 + " s");
        });
    }

    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void message(String text, Session session) throws IOException {
        if (admission == null) {
            authFrameCame = true;
            authTimer.cancel(false);
            if (WebSocketLimits.oversizedAuthFrame(text)) {
                close(session, CloseCodes.TOO_BIG, "Auth frame over " + WebSocketLimits.AUTH_FRAME_MAX_BYTES + " bytes");
                return;
            }
        }
        JsonObject frame;
        try {
            frame = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            close(session, CloseCodes.PROTOCOL_ERROR, "Invalid JSON");
            return;
        }
        try {
            Body.refuseNul(text, "frame"); // a filter's texts reach PostgreSQL in the backfill, which refuses a NUL
        } catch (Problem e) {
            close(session, CloseCodes.PROTOCOL_ERROR, "Invalid frame: " + e.summary());
            return;
        }
        try {
            if (admission == null) {
                authenticate(frame, session);
            } else if (subscription == null) {
                subscribe(frame, session);
            }
            // later frames carry nothing for this stream
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "events/out: closing a connection after an unexpected failure", e);
            close(session, CloseCodes.UNEXPECTED_CONDITION, "Internal error");
        }
    }

    /** The container ignores a binary frame when no method takes it: refused here, as on /events/in. */
    @OnMessage(maxMessageSize = MAX_FRAME_BYTES)
    public void binary(ByteBuffer data, Session session) throws IOException {
        close(session, CloseCodes.CANNOT_ACCEPT, "Only text messages are accepted");
    }

    private void authenticate(JsonObject frame, Session session) throws IOException {
        if (!"auth".equals(frame.getString("type", null))) {
            close(session, CloseCodes.VIOLATED_POLICY, "Expected 'auth' message");
            return;
        }
        Optional<Admission> admitted = auth.admit((String) session.getUserProperties().get("workspace"), frame,
                EventsOutEndpoint.class);
        if (admitted.isEmpty()) {
            close(session, CloseCodes.VIOLATED_POLICY, "Invalid token");
            return;
        }
        EventsOutLimits.Place taken = outLimits.take(admitted.get().caller().apiKeyId(), session::isOpen);
        if (taken.refusal() != null) {
            close(session, CloseCodes.TRY_AGAIN_LATER, taken.refusal());
            return;
        }
        place = taken;
        admission = admitted.get();
        session.getBasicRemote().sendText("{\"type\":\"auth_success\"}");
    }

    private void subscribe(JsonObject frame, Session session) throws IOException {
        if (!"filter".equals(frame.getString("type", null))) {
            close(session, CloseCodes.PROTOCOL_ERROR, "Expected 'filter' message");
            return;
        }
        EventCriteria criteria;
        try {
            if (frame.get("filter") == JsonValue.NULL) throw InvalidInput.field("filter", "Input should be a valid dictionary");
            criteria = EventCriteria.parse(Body.of(frame).object("filter"));
        } catch (Problem e) {
            close(session, CloseCodes.PROTOCOL_ERROR, "Invalid filter: " + e.detail());
            return;
        }
        criteria.clampSince(MAX_BACKFILL);
        criteria.orderAscending();
        boolean backfill = frame.get("backfill") != JsonValue.FALSE;
        subscription = new EventSubscription(session, criteria, executor, outLimits.maxBacklog());
        // subscribe first so that nothing committed during the backfill is missed, then backfill
        subscription.listenTo(bus, admission.workspaceId());
        if (backfill) {
            List<JsonObject> stored = admission.supply(
                    () -> store.find(criteria, 0, BACKFILL_LIMIT).events());
            subscription.backfill(stored);
        } else {
            subscription.backfill(List.of());
        }
    }

    @OnClose
    public void closed(Session session, CloseReason reason) {
        end();
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "events/out connection error", error);
        end();
    }

    private void end() {
        if (authTimer != null) authTimer.cancel(false);
        if (subscription != null) subscription.close();
        if (place != null) place.release();
    }

    private static void closeQuietly(Session session, CloseCodes code, String reason) {
        try {
            if (session.isOpen()) close(session, code, reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "events/out: closing", e);
        }
    }

    private static void close(Session session, CloseCodes code, String reason) throws IOException {
        session.close(new CloseReason(code, WebSocketFrames.closeReason(reason)));
    }
}
