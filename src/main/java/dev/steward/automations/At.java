package dev.steward.automations;

import dev.steward.platform.Problem.InvalidInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in a request body, part by part, for a 422 that names it as FastAPI does. Kept as parts, not a
 * dotted string, because a resource label used as a key ("prefect.resource.id") holds dots itself.
 */
record At(List<String> parts) {
    At {
        parts = List.copyOf(parts);
    }

    /** A dotted body location ("trigger.triggers.0"); "" is the body itself. */
    static At of(String location) {
        List<String> parts = new ArrayList<>();
        if (location != null) {
            for (String part : location.split("\\.")) {
                if (!part.isEmpty()) parts.add(part);
            }
        }
        return new At(parts);
    }

    At then(String part) {
        List<String> more = new ArrayList<>(parts);
        more.add(part);
        return new At(more);
    }

    At then(int index) {
        return then(Integer.toString(index));
    }

    InvalidInput invalid(String message) {
        return InvalidInput.at(loc(), message, "value_error");
    }

    InvalidInput missing() {
        return InvalidInput.at(loc(), "Field required", "missing");
    }

    private List<String> loc() {
        List<String> loc = new ArrayList<>(parts.size() + 1);
        loc.add("body");
        loc.addAll(parts);
        return loc;
    }
}
