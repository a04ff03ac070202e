package dev.steward.automations;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's SequenceTrigger: fires once all of its triggers have fired in their order, within {@code within} (no
 * window when null).
 */
public record SequenceTrigger(UUID id, List<Trigger> triggers, Duration within) implements Trigger {
    public SequenceTrigger {
        triggers = List.copyOf(triggers);
    }

    @Override
    public String type() {
        return "sequence";
    }

    @Override
    public JsonObject toJson() {
        return Composites.json(this, triggers, within).build();
    }

    @Override
    public List<Trigger> all() {
        return Composites.all(this, triggers);
    }

    @Override
    public SequenceTrigger withNewIds() {
        return new SequenceTrigger(UUID.randomUUID(), Composites.withNewIds(triggers), within);
    }
}
