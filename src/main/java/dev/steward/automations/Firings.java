package dev.steward.automations;

import dev.steward.events.RunEvent;
import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an automation's firing leaves, in the evaluator's transaction (so a firing and its actions are recorded
 * together, or not at all): the firing, Prefect's {@code prefect.automation.triggered} event, and one pending action
 * run per action with its {@code prefect.automation.action.triggered} event. The actions run after commit
 * ({@link ActionRuns}); {@code actions_on_trigger} get the triggered event as their triggering event, as in Prefect,
 * and their indexes follow those of {@code actions}.
 */
final class Firings implements TriggerEvaluation.Fired {
    private final EvaluationStore store;
    private final List<RunEvent> events = new ArrayList<>();
    private final List<UUID> actionRuns = new ArrayList<>();

    Firings(EvaluationStore store) {
        this.store = store;
    }

    /** The action runs this transaction created, to start once it commits. */
    List<UUID> actionRuns() {
        return actionRuns;
    }

    /** The events this transaction's firings emitted, to store before it commits. */
    List<RunEvent> events() {
        return events;
    }

    /** How much has been made so far; {@link #forget} drops what came after (its savepoint was rolled back). */
    record Mark(int events, int actionRuns) {}

    Mark mark() {
        return new Mark(events.size(), actionRuns.size());
    }

    void forget(Mark mark) {
        events.subList(mark.events(), events.size()).clear();
        actionRuns.subList(mark.actionRuns(), actionRuns.size()).clear();
    }

    /**
     * A firing of the automation's own trigger: Triggered, or Resolved (a metric trigger whose metric stopped
     * breaching). As in Prefect, {@code actions} run for either, then {@code actions_on_trigger} or
     * {@code actions_on_resolve}.
     */
    @Override
    public void act(Armed automation, Firing firing, boolean resolved) throws SQLException {
        store.insertFiring(automation.workspaceId(), automation.id(), firing, resolved);
        UUID triggeredId = UUID.randomUUID();
        JsonObject triggeringEvent = firing.triggeringEvent();
        JsonObjectBuilder labels = Json.createObjectBuilder();
        firing.triggeringLabels().forEach(labels::add);
        JsonArray related = triggeringEvent == null ? JsonValue.EMPTY_JSON_ARRAY : Json.createArrayBuilder()
                .add(related("prefect.event." + triggeringEvent.getString("id"), "triggering-event")).build();
        JsonObjectBuilder payload = Json.createObjectBuilder().add("triggering_labels", labels)
                .add("triggering_event", triggeringEvent == null ? JsonValue.NULL : triggeringEvent);
        if (firing.triggeringValue() != JsonValue.NULL) payload.add("triggering_value", firing.triggeringValue());
        RunEvent triggered = new RunEvent(automation.workspaceId(), triggeredId, firing.triggered(),
                resolved ? "prefect.automation.resolved" : "prefect.automation.triggered", resource(automation, false),
                related, payload.build(), null);
        events.add(triggered);
        JsonObject triggeredJson = Json.parseObject(triggered.toJson(firing.triggered()));
        int index = 0;
        for (Action action : automation.actions()) {
            queue(automation, firing, index++, action, triggeringEvent, triggeredId);
        }
        for (Action action : resolved ? automation.actionsOnResolve() : automation.actionsOnTrigger()) {
            queue(automation, firing, index++, action, triggeredJson, triggeredId);
        }
    }

    private void queue(Armed automation, Firing firing, int index, Action action, JsonObject triggeringEvent,
                       UUID triggeredId) throws SQLException {
        UUID invocation = UUID.randomUUID();
        store.insertActionRun(invocation, automation.workspaceId(), automation.id(), firing.id(), index,
                action.toJson(), triggeringEvent, triggeredId, firing.triggered());
        events.add(actionEvent(automation, "prefect.automation.action.triggered", firing.triggered(), index,
                action.type(), invocation, triggeringEvent, triggeredId, JsonValue.EMPTY_JSON_ARRAY,
                Json.createObjectBuilder()));
        actionRuns.add(invocation);
    }

    /** The resource of Prefect's automation events: the automation, its trigger type and, for an event trigger, its posture. */
    static JsonObject resource(Armed automation, boolean withTriggerType) {
        JsonObjectBuilder r = Json.createObjectBuilder()
                .add("prefect.resource.id", "prefect.automation." + automation.id())
                .add("prefect.resource.name", automation.name());
        if (withTriggerType) r.add("prefect.trigger-type", automation.trigger().type());
        if (automation.trigger() instanceof EventTrigger e) r.add("prefect.posture", e.posture().name());
        if (automation.trigger() instanceof MetricTrigger) r.add("prefect.posture", "Metric");
        return r.build();
    }

    static JsonObject related(String id, String role) {
        return Json.createObjectBuilder().add("prefect.resource.id", id).add("prefect.resource.role", role).build();
    }

    /** Prefect's prefect.automation.action.* event of one action run. */
    static RunEvent actionEvent(Armed automation, String name, Instant occurred, int index, String type,
                                UUID invocation, JsonObject triggeringEvent, UUID triggeredId, JsonArray targets,
                                JsonObjectBuilder extra) {
        JsonArrayBuilder related = Json.createArrayBuilder(targets);
        related.add(related("prefect.event." + triggeredId, "automation-triggered-event"));
        if (triggeringEvent != null) {
            related.add(related("prefect.event." + triggeringEvent.getString("id"), "triggering-event"));
        }
        JsonObject payload = extra.add("action_index", index).add("action_type", type)
                .add("invocation", invocation.toString()).build();
        return new RunEvent(automation.workspaceId(), UUID.randomUUID(), occurred, name,
                resource(automation, true), related.build(), payload, null);
    }
}
