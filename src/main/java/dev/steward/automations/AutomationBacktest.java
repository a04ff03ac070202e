package dev.steward.automations;

import dev.steward.access.TenantScope;
import dev.steward.events.EventCriteria;
import dev.steward.events.EventStore;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Which of the workspace's stored events of the last 24 hours would have fired an automation, and when: the events the
 * trigger may count, oldest first (at most {@link #MAX_EVENTS}), replayed ({@link Replay}) through the evaluator's own
 * semantics on a {@link MemoryTriggerState}, so nothing is written and no action runs. Runs under the caller's
 * admission, reading only its workspace's events.
 */
@ApplicationScoped
public class AutomationBacktest {
    static final Duration SPAN = Duration.ofHours(24);
    static final int MAX_EVENTS = 50_000;
    /** The firings listed; more are counted only. */
    static final int MAX_LISTED = 500;

    @Inject
    EventStore events;

    /** A firing the automation would have had: when, and the event that caused it (null for a proactive trigger's). */
    public record WouldFire(Instant at, JsonObject triggeringEvent) {}

    /**
     * What the replay found: the span it covered ({@code to} is the last event's time when the events were capped),
     * the events replayed, whether there were more, every firing counted and the first {@link #MAX_LISTED} listed.
     */
    public record Result(Instant from, Instant to, int eventsReplayed, boolean capped, int firings,
                         List<WouldFire> listed) {}

    @Transactional
    public Result run(AutomationDocument.Definition definition, Instant now) {
        Instant from = now.minus(SPAN);
        Armed automation = Armed.of(UUID.randomUUID(), TenantScope.workspaceId(), definition.name(),
                definition.trigger(), definition.actions(), definition.actionsOnTrigger(),
                definition.actionsOnResolve());
        Collected collected = new Collected();
        int replayed = 0;
        Instant to = now;
        boolean capped = false;
        try (Stream<JsonObject> stream = events.stream(criteria(automation, from, now), MAX_EVENTS + 1)) {
            Replay replay = new Replay(automation, new MemoryTriggerState(), collected, from);
            for (Iterator<JsonObject> it = stream.iterator(); it.hasNext(); ) {
                JsonObject event = it.next();
                if (replayed == MAX_EVENTS) {
                    // one more than the cap: the replay stops where the next event would have been
                    capped = true;
                    to = Instant.parse(event.getString("occurred"));
                    break;
                }
                replay.event(event);
                replayed++;
            }
            replay.finish(to);
        } catch (SQLException e) {
            throw new IllegalStateException("a backtest touches no database", e);
        }
        return new Result(from, to, replayed, capped, collected.count, List.copyOf(collected.listed));
    }

    /** The replay's firings: counted, and the first ones kept. */
    private static final class Collected implements TriggerEvaluation.Fired {
        final List<WouldFire> listed = new ArrayList<>();
        int count;

        @Override
        public void act(Armed automation, Firing firing, boolean resolved) {
            if (count++ < MAX_LISTED) listed.add(new WouldFire(firing.triggered(), firing.triggeringEvent()));
        }
    }

    /** The events of the span the trigger may count, oldest first (logs never count). */
    private static EventCriteria criteria(Armed automation, Instant from, Instant to) {
        JsonObjectBuilder event = Json.createObjectBuilder()
                .add("exclude_name", Json.createArrayBuilder().add("prefect.log.write"));
        List<String> prefixes = namePrefixes(automation);
        if (prefixes != null) event.add("prefix", Json.createArrayBuilder(prefixes));
        return EventCriteria.parse(Body.of(Json.createObjectBuilder()
                .add("occurred", Json.createObjectBuilder().add("since", from.toString()).add("until", to.toString()))
                .add("event", event)
                .add("order", "ASC")
                .build()));
    }

    /**
     * The prefixes of the event names the automation's triggers may count, so that events no trigger can count do not
     * use up the cap: null when one may count any name (no expect, or a negated name).
     */
    static List<String> namePrefixes(Armed automation) {
        Set<String> prefixes = new LinkedHashSet<>();
        for (EventTrigger t : automation.eventTriggers()) {
            if (t.expect().isEmpty()) return null;
            Set<String> names = new LinkedHashSet<>(t.expect());
            names.addAll(t.after());
            for (String name : names) {
                if (name.startsWith("!")) return null;
                int wildcard = name.length();
                for (char c : new char[] {'*', '?', '['}) {
                    int at = name.indexOf(c);
                    if (at >= 0) wildcard = Math.min(wildcard, at);
                }
                prefixes.add(name.substring(0, wildcard));
            }
        }
        return List.copyOf(prefixes);
    }
}
