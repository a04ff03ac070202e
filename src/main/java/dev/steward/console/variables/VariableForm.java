package dev.steward.console.variables;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import dev.steward.console.FormProblems;
import dev.steward.console.Problems;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.variables.VariableRules;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Creates or edits a variable: name, value (JSON, or plain text taken as a string) and comma-separated tags. It only
 * collects input; the view saves through the service and hands the service's objections back with
 * {@link #showProblem}, which puts each message on its field (422 details by location, a 409 on the name).
 */
public class VariableForm extends Dialog {
    private final TextField name = new TextField("Name");
    private final TextArea value = new TextArea("Value");
    private final TextField tags = new TextField("Tags");
    private final FormProblems formProblems = new FormProblems("variable-form-error");
    private final Button save = new Button("Save");
    private final Button cancel = new Button("Cancel");

    /** @param existing the variable to edit, or null to create one */
    public VariableForm(VariableRow existing) {
        setHeaderTitle(existing == null ? "New variable" : "Edit variable " + existing.name());
        setWidth("36rem");
        setCloseOnOutsideClick(false);
        configureFields(existing);
        configureButtons();
        add(createFormLayout());
    }

    private void configureFields(VariableRow existing) {
        name.setId("variable-name");
        name.setRequiredIndicatorVisible(true);
        name.setMaxLength(VariableRules.MAX_NAME_LENGTH);
        name.setHelperText("Lowercase letters, digits, dashes and underscores");
        name.setWidthFull();

        value.setId("variable-value");
        value.setRequiredIndicatorVisible(true);
        value.setHelperText("JSON, e.g. 42, true, {\"a\": 1}; text that is not JSON is stored as a string");
        value.setMinHeight("8rem");
        value.setMaxHeight("20rem");
        value.setWidthFull();
        value.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");

        tags.setId("variable-tags");
        tags.setHelperText("Comma-separated, e.g. prod, team-a");
        tags.setWidthFull();


        if (existing != null) {
            name.setValue(existing.name());
            value.setValue(VariableValues.forEditing(existing.value()));
            tags.setValue(existing.tagText());
        }
        name.addValueChangeListener(e -> FormProblems.clear(name));
        value.addValueChangeListener(e -> FormProblems.clear(value));
        tags.addValueChangeListener(e -> FormProblems.clear(tags));
    }

    private void configureButtons() {
        save.setId("save-variable");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> validateAndSave());
        save.addClickShortcut(Key.ENTER).listenOn(name, tags);
        save.setDisableOnClick(true);

        cancel.setId("cancel-variable");
        cancel.addClickListener(e -> close());
        getFooter().add(cancel, save);
    }

    private FormLayout createFormLayout() {
        FormLayout form = new FormLayout(name, value, tags, formProblems.line());
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        return form;
    }

    private void validateAndSave() {
        try {
            clearProblems();
            // the name's rules are the service's (one source of truth); only "no value at all" is caught here,
            // because an empty box is neither JSON nor a string the user meant to store
            if (value.getValue().isBlank()) {
                value.setErrorMessage("Enter a value: JSON, or plain text to store as a string");
                value.setInvalid(true);
                return;
            }
            fireEvent(new SaveEvent(this, name.getValue().strip(), VariableValues.parse(value.getValue()),
                    VariableValues.tags(tags.getValue())));
        } finally {
            save.setEnabled(true);
        }
    }

    public void focusName() {
        name.focus();
    }

    /** Shows the service's objection on the fields it concerns, the rest under the form. */
    public void showProblem(Problem e) {
        clearProblems();
        List<Problems.FieldProblem> problems = Problems.fieldProblems(e);
        if (problems.isEmpty()) {
            if (e instanceof Conflict) {
                // the only conflict a variable can have: the name is taken
                FormProblems.mark(name, Problems.message(e));
            } else {
                formProblems.general(Problems.message(e));
            }
            return;
        }
        for (Problems.FieldProblem p : problems) {
            String field = p.field();
            if (field.equals("name")) FormProblems.mark(name, p.message());
            else if (field.equals("value")) FormProblems.mark(value, p.message());
            else if (field.equals("tags") || field.startsWith("tags.")) FormProblems.mark(tags, p.message());
            else formProblems.general(field.isEmpty() ? p.message() : field + ": " + p.message());
        }
    }

    private void clearProblems() {
        formProblems.clear(name, value, tags);
    }

    /** The user asked to save: the typed name, the parsed value and the tags. */
    public static class SaveEvent extends ComponentEvent<VariableForm> {
        private final String name;
        private final JsonValue value;
        private final List<String> tags;

        SaveEvent(VariableForm source, String name, JsonValue value, List<String> tags) {
            super(source, false);
            this.name = name;
            this.value = value;
            this.tags = List.copyOf(tags);
        }

        public String name() { return name; }
        public JsonValue value() { return value; }
        public List<String> tags() { return tags; }
    }

    public Registration addSaveListener(ComponentEventListener<SaveEvent> listener) {
        return addListener(SaveEvent.class, listener);
    }
}
