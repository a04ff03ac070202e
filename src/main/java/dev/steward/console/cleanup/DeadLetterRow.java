package dev.steward.console.cleanup;

import dev.steward.cleanup.CleanupMessage;
import jakarta.json.JsonString;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A dead letter as the grid shows it: what it asked for, why it was given up and every delivery it had (the worker's
 * reasons included).
 */
public record DeadLetterRow(UUID id, String kind, String target, String reason, String lastReleaseReason,
                            int deliveries, Instant movedAt, List<Attempt> history) implements Serializable {

    /** One delivery (or an earlier redrive) of the message: to which worker, when, and how it ended. */
    public record Attempt(int attempt, String worker, Instant reservedAt, Instant endedAt, String outcome, String reason)
            implements Serializable {}

    static DeadLetterRow of(CleanupMessage m) {
        CleanupMessage.DeadLetter d = m.deadLetter();
        List<Attempt> history = m.history().stream()
                .map(h -> new Attempt(h.attempt(), h.worker(), h.reservedAt(), h.endedAt(), h.outcome(), h.reason()))
                .toList();
        return new DeadLetterRow(m.messageId(), m.kind(), target(m), d.reason(), d.releaseReason(),
                d.finalDeliveryCount(), d.movedAt(), history);
    }

    /** The target's fields as {@code key=value, …} (strings unquoted, by name), e.g. the flow run and its infrastructure pid. */
    private static String target(CleanupMessage m) {
        // by name: the order of a stored message's fields is not kept (the queue's Lua scripts re-encode it)
        return m.target().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + (e.getValue() instanceof JsonString s ? s.getString() : e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** The id's first block, e.g. {@code 6f1c2a9e}. */
    String shortId() {
        return id.toString().substring(0, 8);
    }
}
