package dev.steward.automations;

import jakarta.json.JsonObject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Events of the past run through one automation's trigger by {@link TriggerEvaluation}, as the evaluator would have
 * run them: in the order they occurred, the clock at each event's time, and the proactive triggers checked at the
 * moment each of their windows closes as the clock passes it (the evaluator checks them every round, so at most a
 * round later). Proactive windows without for_each open when the replay starts, as if the automation had been enabled
 * then.
 */
final class Replay {
    private final Armed automation;
    private final TriggerState state;
    private final TriggerEvaluation evaluation;
    private final List<UUID> proactive;
    private Instant clock;

    Replay(Armed automation, TriggerState state, TriggerEvaluation.Fired fired, Instant start) throws SQLException {
        this.automation = automation;
        this.state = state;
        this.evaluation = new TriggerEvaluation(state, fired, () -> clock);
        this.proactive = automation.eventTriggers().stream().filter(t -> t.posture() == Posture.Proactive)
                .map(EventTrigger::id).toList();
        this.clock = start;
        evaluation.deadlines(automation, start);
    }

    /** The next event, which occurred at or after the previous one. */
    void event(JsonObject event) throws SQLException {
        Instant occurred = Instant.parse(event.getString("occurred"));
        passDeadlines(occurred);
        clock = occurred;
        evaluation.event(automation, event);
    }

    /** The clock moved to {@code end}: the windows that closed before it are checked. */
    void finish(Instant end) throws SQLException {
        passDeadlines(end);
        clock = end;
    }

    /** Checks each closed window at its end, earliest first, until none closes by {@code to}. */
    private void passDeadlines(Instant to) throws SQLException {
        if (proactive.isEmpty()) return;
        List<TriggerState.Bucket> closed;
        while (!(closed = state.closedBuckets(proactive, to)).isEmpty()) {
            // each check fires or drops every window closed by then, so the next one ends later
            clock = closed.get(0).end();
            evaluation.deadlines(automation, clock);
            // the evaluator's next round, a moment later: a trigger without for_each whose window was dropped (its
            // events were enough) gets a new one
            evaluation.deadlines(automation, clock);
        }
    }
}
