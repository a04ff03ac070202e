package dev.steward.console.automations;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import dev.steward.automations.AutomationBacktest;
import dev.steward.console.FormProblems;
import dev.steward.console.Formats;
import dev.steward.console.Problems;
import dev.steward.console.variables.VariableValues;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Creates or edits an automation, in two tabs that say the same thing: a form (name, description, tags, enabled, a
 * trigger from the common templates, actions chosen from Prefect's list with pickers) and the JSON of the body the
 * REST API takes. Switching tabs converts; JSON the form cannot say (a compound trigger, actions on trigger, ...)
 * keeps the editor in the JSON tab. Both are read by the API's own rules ({@link AutomationDraft#canonical}): the
 * view saves through the service and hands its 422 back with {@link #showProblem}, on the form's fields or, in the
 * JSON tab, as the detail's messages. Backtest replays the workspace's last 24 hours through what the editor says,
 * before anything is saved.
 */
class AutomationEditor extends Dialog {
    private static final String JSON_ONLY = "The form cannot show all of this automation (e.g. a compound or sequence "
            + "trigger, actions on trigger or resolve, a run's job variables or delay)";

    private final Picks picks;
    private final Function<JsonObject, AutomationBacktest.Result> backtest;
    private final TextField name = new TextField("Name");
    private final TextField description = new TextField("Description");
    private final TextField tags = new TextField("Tags");
    private final Checkbox enabled = new Checkbox("Enabled");
    private final TriggerForm trigger;
    private final VerticalLayout actions = new VerticalLayout();
    private final List<ActionRow> rows = new ArrayList<>();
    private final Tab formTab = new Tab("Form");
    private final Tab jsonTab = new Tab("JSON");
    private final Tabs tabs = new Tabs(formTab, jsonTab);
    private final VerticalLayout form = new VerticalLayout();
    private final TextArea json = new TextArea();
    private final Span jsonOnly = new Span();
    private final FormProblems formProblems = new FormProblems("automation-form-error");
    private final BacktestPanel backtestPanel = new BacktestPanel();
    private final Button save = new Button("Save");
    private final Button runBacktest = new Button("Backtest", VaadinIcon.TIME_BACKWARD.create());

    /**
     * @param existing  the stored automation's body ({@link AutomationDraft#bodyOf}), or null for a new one
     * @param backtest  runs a backtest of a body
     */
    AutomationEditor(String title, JsonObject existing, Picks picks,
                     Function<JsonObject, AutomationBacktest.Result> backtest) {
        this.picks = picks;
        this.backtest = backtest;
        this.trigger = new TriggerForm(picks);
        setHeaderTitle(title);
        setWidth("60rem");
        setCloseOnOutsideClick(false);
        configureForm();
        configureJson();
        configureFooter();
        tabs.setId("automation-tabs");
        formTab.setId("tab-form");
        jsonTab.setId("tab-json");
        tabs.addSelectedChangeListener(e -> {
            if (e.isFromClient()) switchTo(e.getSelectedTab() == jsonTab);
        });
        add(tabs, form, json, jsonOnly, formProblems.line(), backtestPanel);
        Optional<AutomationDraft> draft = existing == null ? Optional.of(AutomationDraft.blank())
                : AutomationDraft.recognize(AutomationDraft.canonical(existing));
        if (draft.isPresent()) {
            fill(draft.get());
            showTab(false);
        } else {
            json.setValue(Formats.json(existing));
            showJsonOnly();
        }
    }

    private void configureForm() {
        name.setId("automation-name");
        name.setRequiredIndicatorVisible(true);
        description.setId("automation-description");
        tags.setId("automation-tags");
        tags.setHelperText("Comma-separated");
        enabled.setId("automation-enabled");
        FormLayout details = new FormLayout(name, description, tags, enabled);
        details.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("32rem", 2));
        name.addValueChangeListener(e -> FormProblems.clear(name));
        actions.setPadding(false);
        actions.setId("automation-actions");
        Button add = new Button("Add action", VaadinIcon.PLUS.create(), e -> addRow(ActionChoice.of("do-nothing")));
        add.setId("add-action");
        form.setPadding(false);
        form.add(details, new H4("Trigger"), trigger, new H4("Actions"), actions, add);
    }

    private void configureJson() {
        json.setId("automation-json");
        json.setWidthFull();
        json.setMinHeight("24rem");
        json.setHelperText("The body of Prefect's POST /automations/ (trigger ids are drawn anew on each save)");
        json.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
        json.addValueChangeListener(e -> FormProblems.clear(json));
        jsonOnly.setId("automation-json-only");
        jsonOnly.getStyle().set("color", "var(--lumo-secondary-text-color)");
    }

    private void configureFooter() {
        runBacktest.setId("backtest-automation");
        runBacktest.setTooltipText("Which of the workspace's events of the last 24 hours would have fired it");
        runBacktest.setDisableOnClick(true);
        runBacktest.addClickListener(e -> {
            try {
                body().ifPresent(this::backtest);
            } finally {
                runBacktest.setEnabled(true);
            }
        });
        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("cancel-automation");
        save.setId("save-automation");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.setDisableOnClick(true);
        save.addClickListener(e -> {
            try {
                body().ifPresent(b -> fireEvent(new SaveEvent(this, b)));
            } finally {
                save.setEnabled(true);
            }
        });
        getFooter().add(runBacktest, cancel, save);
    }

    // --- the two tabs ---------------------------------------------------------------------------------------------

    private boolean inJson() {
        return tabs.getSelectedTab() == jsonTab;
    }

    private void showTab(boolean toJson) {
        tabs.setSelectedTab(toJson ? jsonTab : formTab);
        form.setVisible(!toJson);
        json.setVisible(toJson);
    }

    /** The form cannot say this automation: it opens in the JSON tab, and says why. */
    private void showJsonOnly() {
        jsonOnly.setText(JSON_ONLY + ": edit it as JSON.");
        showTab(true);
    }

    private void switchTo(boolean toJson) {
        clearProblems();
        if (toJson) {
            Optional<JsonObject> body = formBody();
            if (body.isEmpty()) {
                showTab(false);
                return;
            }
            json.setValue(Formats.json(body.get()));
            showTab(true);
            return;
        }
        Optional<JsonObject> body = jsonBody();
        if (body.isEmpty()) {
            showTab(true);
            return;
        }
        Optional<AutomationDraft> draft;
        try {
            draft = AutomationDraft.recognize(AutomationDraft.canonical(body.get()));
        } catch (InvalidInput e) {
            showTab(true);
            showProblem(e);
            return;
        }
        if (draft.isEmpty()) {
            showTab(true);
            formProblems.general(JSON_ONLY + ": it stays in the JSON tab.");
            return;
        }
        fill(draft.get());
        showTab(false);
    }

    private void fill(AutomationDraft draft) {
        jsonOnly.setText("");
        name.setValue(draft.name());
        description.setValue(draft.description());
        tags.setValue(String.join(", ", draft.tags()));
        enabled.setValue(draft.enabled());
        trigger.setValue(draft.trigger());
        rows.clear();
        actions.removeAll();
        draft.actions().forEach(this::addRow);
    }

    private void addRow(ActionChoice choice) {
        ActionRow row = new ActionRow(picks, choice, this::removeRow);
        rows.add(row);
        actions.add(row);
        renumber();
    }

    private void removeRow(ActionRow row) {
        rows.remove(row);
        actions.remove(row);
        renumber();
    }

    private void renumber() {
        for (int i = 0; i < rows.size(); i++) rows.get(i).setIndex(i);
    }

    // --- the body -------------------------------------------------------------------------------------------------

    /** The body the open tab says; empty (with the problem shown) when it cannot be read. */
    private Optional<JsonObject> body() {
        clearProblems();
        return inJson() ? jsonBody() : formBody();
    }

    private Optional<JsonObject> formBody() {
        List<ActionChoice> chosen = new ArrayList<>();
        for (ActionRow row : rows) {
            Optional<ActionChoice> action = row.value();
            if (action.isEmpty()) return Optional.empty();
            chosen.add(action.get());
        }
        return Optional.of(new AutomationDraft(name.getValue().strip(), description.getValue(), enabled.getValue(),
                VariableValues.tags(tags.getValue()), trigger.value(), chosen).toJson());
    }

    private Optional<JsonObject> jsonBody() {
        if (VariableValues.parse(json.getValue()) instanceof JsonObject o) return Optional.of(o);
        FormProblems.mark(json, "Not valid JSON: the body is one JSON object");
        return Optional.empty();
    }

    private void backtest(JsonObject body) {
        try {
            backtestPanel.show(backtest.apply(body));
        } catch (RuntimeException e) {
            if (Problems.api(e) instanceof InvalidInput invalid) showProblem(invalid);
            else Problems.show(e);
        }
    }

    // --- problems -------------------------------------------------------------------------------------------------

    /**
     * Shows the API's objection: in the form, each message on the field it concerns (the rest under the form); in
     * the JSON tab, the 422's messages with their places, as the REST API answers them.
     */
    void showProblem(Problem e) {
        clearProblems();
        List<Problems.FieldProblem> problems = Problems.fieldProblems(e);
        if (problems.isEmpty() || inJson()) {
            formProblems.general(Problems.message(e));
            return;
        }
        for (Problems.FieldProblem p : problems) {
            if (!markOnForm(p.field(), p.message())) {
                formProblems.general(p.field().isEmpty() ? p.message() : p.field() + ": " + p.message());
            }
        }
    }

    private boolean markOnForm(String field, String message) {
        String[] parts = field.split("\\.", 3);
        switch (parts[0]) {
            case "name" -> FormProblems.mark(name, message);
            case "description" -> FormProblems.mark(description, message);
            case "tags" -> FormProblems.mark(tags, message);
            case "trigger" -> {
                return trigger.mark(field.length() > "trigger.".length() ? field.substring("trigger.".length()) : "",
                        message);
            }
            case "actions" -> {
                if (parts.length < 2 || !parts[1].matches("\\d+") || Integer.parseInt(parts[1]) >= rows.size()) {
                    return false;
                }
                rows.get(Integer.parseInt(parts[1])).mark(parts.length == 3 ? parts[2] : "", message);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void clearProblems() {
        formProblems.clear(name, description, tags, json);
        trigger.clearProblems();
        rows.forEach(ActionRow::clearProblems);
    }

    /** The user asked to save: the body the open tab says. */
    static class SaveEvent extends ComponentEvent<AutomationEditor> {
        private final JsonObject body;

        SaveEvent(AutomationEditor source, JsonObject body) {
            super(source, false);
            this.body = body;
        }

        JsonObject body() {
            return body;
        }
    }

    Registration addSaveListener(ComponentEventListener<SaveEvent> listener) {
        return addListener(SaveEvent.class, listener);
    }
}
