package dev.steward.console.automations;

import com.vaadin.flow.component.checkbox.Checkbox;
import dev.steward.console.Actions;
import dev.steward.console.Problems;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.automations.Picks.Pick;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** What the list and an automation's page both do to an automation: edit it, enable or disable it, delete it. */
final class AutomationActions {
    private AutomationActions() {}

    /**
     * Opens the editor on the automation ({@code id}; null for a new one) and saves what it says through the service;
     * {@code saved} gets the automation's id once it is saved.
     */
    static void edit(AutomationsData data, WorkspaceChoice ws, UUID id, Consumer<UUID> saved) {
        JsonObject existing;
        try {
            existing = id == null ? null : data.read(ws, id);
        } catch (RuntimeException e) {
            Problems.show(e);
            return;
        }
        Picks picks = new Picks(kind -> {
            try {
                return data.picks(ws, kind);
            } catch (RuntimeException e) {
                Problems.show(e);
                return List.<Pick>of();
            }
        });
        AutomationEditor editor = new AutomationEditor(
                existing == null ? "New automation" : "Edit automation " + existing.getString("name"),
                existing == null ? null : AutomationDraft.bodyOf(existing), picks, body -> data.backtest(ws, body));
        editor.addSaveListener(e -> {
            UUID savedId = id;
            try {
                if (id == null) savedId = data.create(ws, e.body());
                else data.replace(ws, id, e.body());
            } catch (RuntimeException failure) {
                Problem api = Problems.api(failure);
                if (api instanceof InvalidInput || api instanceof Conflict) {
                    editor.showProblem(api);
                    return;
                }
                Problems.show(failure);
                if (api instanceof NotFound) editor.close();
                return;
            }
            editor.close();
            Problems.success("Automation " + e.body().getString("name", "") + (id == null ? " created" : " saved"));
            saved.accept(savedId);
        });
        editor.open();
    }

    /** The enabled switch of a list row: read-only unless {@code canEdit}. */
    static Checkbox enabledSwitch(AutomationsData data, WorkspaceChoice ws, UUID id, String name, boolean enabled,
                                  boolean canEdit) {
        Checkbox box = new Checkbox(enabled);
        box.addClassName("automation-enabled");
        box.setAriaLabel("Enabled: " + name);
        box.setReadOnly(!canEdit);
        box.addValueChangeListener(e -> {
            if (e.isFromClient()) setEnabled(data, ws, id, name, box);
        });
        return box;
    }

    /** Enables or disables the automation as the user switched {@code box}; a refused change is undone. */
    static void setEnabled(AutomationsData data, WorkspaceChoice ws, UUID id, String name, Checkbox box) {
        boolean enabled = box.getValue();
        try {
            data.setEnabled(ws, id, enabled);
            Problems.success("Automation " + name + (enabled ? " enabled" : " disabled"));
        } catch (RuntimeException failure) {
            box.setValue(!enabled);
            Problems.show(failure);
        }
    }

    /** Deletes the automation after confirmation; {@code deleted} runs once it is gone. */
    static void delete(AutomationsData data, WorkspaceChoice ws, UUID id, String name, Runnable deleted) {
        Actions.confirm("confirm-delete-automation", "Delete automation " + name + "?",
                "Its firing history goes with it. This cannot be undone.", "Delete", () -> {
                    try {
                        data.delete(ws, id);
                        Problems.success("Automation " + name + " deleted");
                        deleted.run();
                    } catch (RuntimeException e) {
                        Problems.show(e);
                    }
                });
    }
}
