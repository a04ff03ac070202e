package dev.steward.console.variables;

import dev.steward.variables.Variable;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A variable as the grid shows it, copied out of the transaction that read it. */
public record VariableRow(UUID id, String name, String value, List<String> tags, Instant updated)
        implements Serializable {

    static VariableRow of(Variable v) {
        return new VariableRow(v.getId(), v.getName(), VariableValues.compact(v.getValue()), v.getTags(), v.getUpdated());
    }

    String tagText() {
        return String.join(", ", tags);
    }
}
