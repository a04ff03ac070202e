package dev.steward.console.automations;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the editor's pickers offer, read from the workspace once per editor and kind, when a picker first needs it. A
 * chosen id the list does not hold (an object deleted since, or past the first {@link AutomationsData#PICKS}) stays
 * chosen, shown by its id.
 */
final class Picks {
    /** An object a picker offers. */
    record Pick(UUID id, String label) implements Serializable {}

    enum Kind {
        FLOW(null), DEPLOYMENT("deployment_id"), WORK_POOL("work_pool_id"), WORK_QUEUE("work_queue_id"),
        AUTOMATION("automation_id"), NOTIFICATION_BLOCK(null), WEBHOOK_BLOCK(null);

        private final String idField;

        Kind(String idField) {
            this.idField = idField;
        }

        /** The id field of the actions on this kind, e.g. {@code deployment_id}. */
        String idField() {
            return idField;
        }
    }

    private final Function<Kind, List<Pick>> read;
    private final Map<Kind, List<Pick>> loaded = new EnumMap<>(Kind.class);

    Picks(Function<Kind, List<Pick>> read) {
        this.read = read;
    }

    List<Pick> of(Kind kind) {
        return loaded.computeIfAbsent(kind, read);
    }

    /** The picks of {@code ids}, in their order: those the list holds, and the others by their id. */
    List<Pick> find(Kind kind, List<UUID> ids) {
        List<Pick> out = new ArrayList<>();
        for (UUID id : ids) out.add(find(kind, id));
        return out;
    }

    /**
     * The pick of {@code id} (null for null): the list's, else one shown by its id, which {@link #of} then offers too
     * (so ask before filling the picker).
     */
    Pick find(Kind kind, UUID id) {
        if (id == null) return null;
        List<Pick> list = of(kind);
        for (Pick p : list) {
            if (p.id().equals(id)) return p;
        }
        Pick unknown = new Pick(id, id.toString());
        List<Pick> more = new ArrayList<>(list);
        more.add(unknown);
        loaded.put(kind, List.copyOf(more));
        return unknown;
    }
}
