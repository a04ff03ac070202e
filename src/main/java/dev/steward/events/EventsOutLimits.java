package dev.steward.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What {@code /events/out} allows (MicroProfile Config, e.g. {@code STEWARD_WS_EVENTS_OUT_MAX_PER_KEY}): how many
 * subscribers this instance serves, per API key and in all, and how far one may fall behind. A connection takes its
 * place when its auth frame is accepted and gives it back when it closes. The one over a limit is closed with 1013
 * (try again later): Prefect's observers then poll over REST until their next attempt gets in. Before refusing, the
 * places of connections no longer open are taken back: a close the container failed to report (seen once in a burst
 * of aborted connections) must not keep a key out, at worst until the idle timeout has closed the connection.
 */
@ApplicationScoped
public class EventsOutLimits {
    /**
     * Per API key. A Prefect process holds a few subscribers (task-run and flow-run waiters) and a worker or runner one
     * per flow run it watches for cancellation, usually all with the same key.
     */
    @Inject
    @ConfigProperty(name = "steward.ws.events-out.max-per-key", defaultValue = "100")
    int maxPerKey;

    /** In all, on this instance: each subscriber may hold up to {@link #maxBacklog} unsent events in memory. */
    @Inject
    @ConfigProperty(name = "steward.ws.events-out.max-per-instance", defaultValue = "1000")
    int maxPerInstance;

    /**
     * Events queued for a subscriber whose socket does not take them (beyond what the TCP buffers hold); one more and
     * it is closed with 1013, and Prefect's client reconnects and backfills from its last event.
     */
    @Inject
    @ConfigProperty(name = "steward.ws.events-out.max-backlog", defaultValue = "10000")
    int maxBacklog;

    private final Map<UUID, Integer> perKey = new HashMap<>();
    private final Set<Place> held = new HashSet<>();
    private int total;

    /** A subscriber's place, or why it has none ({@link #refusal} not null). */
    public final class Place {
        private final UUID key;
        private final String refusal;
        private final BooleanSupplier open;
        private final AtomicBoolean taken;

        private Place(UUID key, String refusal, BooleanSupplier open) {
            this.key = key;
            this.refusal = refusal;
            this.open = open;
            this.taken = new AtomicBoolean(refusal == null);
        }

        /** Why the subscriber is refused (a close reason), or null when it got in. */
        public String refusal() {
            return refusal;
        }

        /** Gives the place back; again is harmless. */
        public void release() {
            if (taken.compareAndSet(true, false)) giveBack(this);
        }
    }

    public int maxBacklog() {
        return Math.max(1, maxBacklog);
    }

    /**
     * A place for one more subscriber with {@code apiKeyId}, whose connection is open while {@code open} says so, or a
     * refusal that says which limit is reached.
     */
    public synchronized Place take(UUID apiKeyId, BooleanSupplier open) {
        String refusal = refusal(apiKeyId);
        if (refusal != null) {
            List.copyOf(held).stream().filter(p -> !p.open.getAsBoolean()).forEach(Place::release);
            refusal = refusal(apiKeyId);
        }
        if (refusal != null) return new Place(apiKeyId, refusal, open);
        Place place = new Place(apiKeyId, null, open);
        perKey.merge(apiKeyId, 1, Integer::sum);
        total++;
        held.add(place);
        return place;
    }

    private String refusal(UUID apiKeyId) {
        if (total >= maxPerInstance) {
            return "Too many event subscribers on this server (" + maxPerInstance + "); try again later";
        }
        if (perKey.getOrDefault(apiKeyId, 0) >= maxPerKey) {
            return "Too many event subscribers for this API key (" + maxPerKey + "); try again later";
        }
        return null;
    }

    private synchronized void giveBack(Place place) {
        held.remove(place);
        perKey.computeIfPresent(place.key, (k, n) -> n <= 1 ? null : n - 1);
        total--;
    }
}
