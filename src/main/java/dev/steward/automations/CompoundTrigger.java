package dev.steward.automations;

import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Prefect's CompoundTrigger: fires once {@code require} of its triggers have fired within {@code within} (no window
 * when null).
 */
public record CompoundTrigger(UUID id, List<Trigger> triggers, Require require, Duration within) implements Trigger {
    public CompoundTrigger {
        triggers = List.copyOf(triggers);
    }

    /**
     * How many of the triggers must fire: "any" (one), "all", or a count from 1 to the number of triggers, which
     * {@link TriggerReader} checks. Exactly one of {@code keyword} and {@code count} is set.
     */
    public record Require(String keyword, Integer count) {
        public static final Require ANY = new Require("any", null);
        public static final Require ALL = new Require("all", null);

        public Require {
            boolean oneOfTwo = (keyword == null) != (count == null);
            if (!oneOfTwo || keyword != null && !keyword.equals("any") && !keyword.equals("all")) {
                throw new IllegalArgumentException("require is \"any\", \"all\" or a count");
            }
        }

        public static Require atLeast(int count) {
            return new Require(null, count);
        }

        /** "any", "all" or the count, as Prefect writes it. */
        public JsonValue toJson() {
            return keyword != null ? Json.createValue(keyword) : Json.createValue(count);
        }
    }

    /** Prefect's {@code num_expected_firings}: 1 for "any", every trigger for "all", else the count. */
    public int expectedFirings() {
        if (require.count() != null) return require.count();
        return require.keyword().equals("any") ? 1 : triggers.size();
    }

    @Override
    public String type() {
        return "compound";
    }

    @Override
    public JsonObject toJson() {
        return Composites.json(this, triggers, within).add("require", require.toJson()).build();
    }

    @Override
    public List<Trigger> all() {
        return Composites.all(this, triggers);
    }

    @Override
    public CompoundTrigger withNewIds() {
        return new CompoundTrigger(UUID.randomUUID(), Composites.withNewIds(triggers), require, within);
    }
}
