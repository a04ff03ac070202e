package dev.steward.events;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One events-out subscriber: matching live events are queued and sent by the connection's own sender thread, so a
 * slow client never holds up the event bus. Live events that arrive while the backfill is being read are held and
 * sent after it, minus those the backfill already carried. A client that falls more than {@value #CAPACITY} events
 * behind is disconnected (1011) and, as Prefect's client does, reconnects and backfills from its last event.
 */
final class EventSubscription {
    static final int CAPACITY = 10_000;
    private static final String STOP = "";

    private final Session session;
    private final EventCriteria criteria;
    private final BlockingQueue<String> outbox = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread sender;
    private EventBus.Registration registration;
    private List<JsonObject> heldDuringBackfill = new ArrayList<>();
    private volatile boolean closed;

    EventSubscription(Session session, EventCriteria criteria, EventBus bus) {
        this.session = session;
        this.criteria = criteria;
        this.sender = bus.newThread(this::sendLoop);
        this.sender.start();
    }

    void listenTo(EventBus bus, UUID workspaceId) {
        registration = bus.listen(workspaceId, this::live);
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

    private void enqueue(JsonObject event) {
        String frame = Json.createObjectBuilder().add("type", "event").add("event", event).build().toString();
        if (!outbox.offer(frame)) {
            closeWith(CloseReason.CloseCodes.TRY_AGAIN_LATER, "Subscriber too slow; reconnect to resume");
        }
    }

    private void sendLoop() {
        try {
            while (!closed) {
                String frame = outbox.take();
                if (frame == STOP) return;
                session.getBasicRemote().sendText(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | IllegalStateException e) {
            close();
        }
    }

    private void closeWith(CloseReason.CloseCodes code, String reason) {
        close();
        try {
            session.close(new CloseReason(code, reason));
        } catch (IOException ignored) {
            // already gone
        }
    }

    void close() {
        if (closed) return;
        closed = true;
        if (registration != null) registration.close();
        outbox.clear();
        outbox.offer(STOP);
    }
}
