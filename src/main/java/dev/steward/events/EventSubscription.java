package dev.steward.events;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One events-out subscriber: matching live events are queued and sent with the container's asynchronous send, one
 * frame at a time, by a drain that runs on the shared managed executor only while frames wait. No thread is held per
 * subscriber, and a slow client never holds up the event bus (whose Redis thread only queues). Live events that arrive
 * while the backfill is being read are held and sent after it, minus those the backfill already carried. A client
 * that falls more than {@link EventsOutLimits#maxBacklog} events behind is disconnected (1013; one that reads nothing
 * sees only the connection end, as the close frame cannot pass the data queued before it) and, as Prefect's client
 * does, reconnects and backfills from its last event.
 */
final class EventSubscription {
    private static final Logger LOG = Logger.getLogger(EventSubscription.class.getName());
    private final Session session;
    private final EventCriteria criteria;
    private final Executor executor;
    private final int capacity;
    // all below guarded by this
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private boolean draining; // a drain is scheduled or running
    private boolean sending; // a frame is with the container, its completion not yet seen
    private boolean closed;
    private EventBus.Registration registration;
    private List<JsonObject> heldDuringBackfill = new ArrayList<>();

    EventSubscription(Session session, EventCriteria criteria, Executor executor, int capacity) {
        this.session = session;
        this.criteria = criteria;
        this.executor = executor;
        this.capacity = capacity;
    }

    void listenTo(EventBus bus, UUID workspaceId) {
        EventBus.Registration r = bus.listen(workspaceId, this::live);
        synchronized (this) {
            registration = r;
            if (closed) r.close();
        }
    }

    private synchronized void live(JsonObject event) {
        if (closed || !criteria.matches(event)) return;
        if (heldDuringBackfill != null) {
            heldDuringBackfill.add(event);
        } else {
            enqueue(event);
        }
    }

    synchronized void backfill(List<JsonObject> stored) {
        Set<String> sent = new HashSet<>();
        for (JsonObject event : stored) {
            sent.add(event.getString("id"));
            enqueue(event);
        }
        for (JsonObject event : heldDuringBackfill) {
            if (!sent.contains(event.getString("id"))) enqueue(event);
        }
        heldDuringBackfill = null;
    }

    /** Holding the lock. */
    private void enqueue(JsonObject event) {
        if (closed) return;
        if (outbox.size() >= capacity) {
            close();
            // closing writes a close frame: on the executor, never on the event bus's thread
            run(() -> closeSession(CloseReason.CloseCodes.TRY_AGAIN_LATER, "Subscriber too slow; reconnect to resume"));
            return;
        }
        outbox.add(Json.createObjectBuilder().add("type", "event").add("event", event).build().toString());
        if (!draining && !sending) {
            draining = true;
            run(this::drain);
        }
    }

    /**
     * Hands queued frames to the container one at a time. When a send completes at once (the socket took it) the loop
     * goes on; when it completes later, {@link #sent} schedules the next drain. Either way it ends when it has to wait.
     */
    private void drain() {
        while (true) {
            String frame;
            synchronized (this) {
                if (closed || sending || outbox.isEmpty()) {
                    draining = false;
                    return;
                }
                frame = outbox.poll();
                sending = true;
            }
            try {
                session.getAsyncRemote().sendText(frame, this::sent);
            } catch (RuntimeException e) { // the session is closing
                LOG.log(Level.FINE, "events/out: send refused", e);
                close();
                return;
            }
        }
    }

    private void sent(SendResult result) {
        if (!result.isOK()) {
            LOG.log(Level.FINE, "events/out: send failed", result.getException());
            close();
            return;
        }
        synchronized (this) {
            sending = false;
            if (draining || closed || outbox.isEmpty()) return; // a running drain goes on by itself
            draining = true;
        }
        run(this::drain);
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) { // the application is stopping
            close();
        }
    }

    private void closeSession(CloseReason.CloseCodes code, String reason) {
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException | RuntimeException ignored) {
            // already gone
        }
    }

    void close() {
        EventBus.Registration r;
        synchronized (this) {
            if (closed) return;
            closed = true;
            outbox.clear();
            r = registration;
        }
        if (r != null) r.close();
    }
}
