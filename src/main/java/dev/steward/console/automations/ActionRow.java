package dev.steward.console.automations;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.steward.automations.Action;
import dev.steward.console.FormProblems;
import dev.steward.console.Formats;
import dev.steward.console.automations.Picks.Kind;
import dev.steward.console.automations.Picks.Pick;
import dev.steward.console.variables.VariableValues;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One action in the editor's form: its type, chosen from Prefect's list, and the fields that type has, with pickers
 * for the deployment, work pool, work queue, automation or block it acts on. Removing it is the editor's business
 * ({@code onRemove}).
 */
class ActionRow extends FormLayout {
    private final Picks picks;
    private final Select<String> type = new Select<>();
    private final Select<String> source = new Select<>();
    private final ComboBox<Pick> target = new ComboBox<>();
    private final TextArea parameters = new TextArea("Parameters");
    private final Select<String> state = new Select<>();
    private final TextField stateName = new TextField("State name");
    private final TextField message = new TextField("Message");
    private final Checkbox force = new Checkbox("Force (past the orchestration rules)");
    private final ComboBox<Pick> block = new ComboBox<>();
    private final TextField subject = new TextField("Subject");
    private final TextArea text = new TextArea();
    private final Button remove = new Button(VaadinIcon.TRASH.create());

    ActionRow(Picks picks, ActionChoice choice, Consumer<ActionRow> onRemove) {
        this.picks = picks;
        addClassName("action-row");
        getStyle().set("border", "1px solid var(--lumo-contrast-10pct)")
                .set("border-radius", "var(--lumo-border-radius-m)")
                .set("padding", "0 var(--lumo-space-s) var(--lumo-space-s)");
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("32rem", 2));
        configureFields(onRemove);
        add(type, remove, source, target, parameters, state, stateName, message, force, block, subject, text);
        setColspan(parameters, 2);
        setColspan(text, 2);
        setValue(choice);
    }

    private void configureFields(Consumer<ActionRow> onRemove) {
        type.setLabel("Action");
        type.setItems(Action.TYPES);
        type.setItemLabelGenerator(ActionChoice::label);
        type.addValueChangeListener(e -> {
            if (e.isFromClient()) setValue(ActionChoice.of(e.getValue()));
        });
        remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
        remove.setAriaLabel("Remove this action");
        remove.addClickListener(e -> onRemove.accept(this));
        source.setLabel("Acts on");
        source.setItems("selected", "inferred");
        source.setItemLabelGenerator(s -> s.equals("selected") ? "the one chosen here" : "the triggering event's");
        source.addValueChangeListener(e -> target.setVisible(ActionChoice.targetKind(type.getValue()) != null
                && "selected".equals(e.getValue())));
        target.setItemLabelGenerator(Pick::label);
        parameters.setHelperText("JSON object; empty for the deployment's own. Values may be Jinja templates.");
        parameters.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
        state.setLabel("New state");
        state.setItems(Action.STATE_TYPES);
        block.setItemLabelGenerator(Pick::label);
        subject.setWidthFull();
        text.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
        text.setHelperText("A Jinja template, e.g. {{ flow_run.name }} is {{ flow_run.state.name }}");
        target.addValueChangeListener(e -> FormProblems.clear(target));
        block.addValueChangeListener(e -> FormProblems.clear(block));
        parameters.addValueChangeListener(e -> FormProblems.clear(parameters));
    }

    /** Gives the fields ids for the tests: {@code action-<field>-<index>}. */
    void setIndex(int index) {
        setId("action-" + index);
        type.setId("action-type-" + index);
        remove.setId("remove-action-" + index);
        source.setId("action-source-" + index);
        target.setId("action-target-" + index);
        parameters.setId("action-parameters-" + index);
        state.setId("action-state-" + index);
        block.setId("action-block-" + index);
        subject.setId("action-subject-" + index);
        text.setId("action-text-" + index);
    }

    private void setValue(ActionChoice choice) {
        String t = choice.type();
        type.setValue(t);
        Kind kind = ActionChoice.targetKind(t);
        source.setVisible(kind != null);
        target.setVisible(kind != null && "selected".equals(choice.source()));
        if (kind != null) {
            target.setLabel(switch (kind) {
                case DEPLOYMENT -> "Deployment";
                case WORK_POOL -> "Work pool";
                case WORK_QUEUE -> "Work queue";
                default -> "Automation";
            });
            Pick chosen = picks.find(kind, choice.target());
            target.setItems(picks.of(kind));
            target.setValue(chosen);
            source.setValue(choice.source());
        }
        parameters.setVisible(t.equals("run-deployment"));
        parameters.setValue(choice.parameters() == null ? "" : Formats.json(choice.parameters()));
        boolean changeState = t.equals("change-flow-run-state");
        for (Component c : List.of(state, stateName, message, force)) c.setVisible(changeState);
        if (changeState) {
            state.setValue(choice.state());
            stateName.setValue(choice.name() == null ? "" : choice.name());
            message.setValue(choice.message() == null ? "" : choice.message());
            force.setValue(choice.force());
        }
        boolean notify = t.equals("send-notification");
        boolean webhook = t.equals("call-webhook");
        block.setVisible(notify || webhook);
        subject.setVisible(notify);
        text.setVisible(notify || webhook);
        if (notify || webhook) {
            Kind blocks = notify ? Kind.NOTIFICATION_BLOCK : Kind.WEBHOOK_BLOCK;
            block.setLabel(notify ? "Notification block (Slack, Microsoft Teams or custom webhook)" : "Webhook block");
            Pick chosen = picks.find(blocks, choice.block());
            block.setItems(picks.of(blocks));
            block.setValue(chosen);
            subject.setValue(choice.subject() == null ? "" : choice.subject());
            text.setLabel(notify ? "Body" : "Payload");
            text.setValue(choice.text() == null ? "" : choice.text());
        }
    }

    /** What the row says; empty when its parameters are not a JSON object (marked on the field). */
    Optional<ActionChoice> value() {
        String t = type.getValue();
        JsonObject params = null;
        if (t.equals("run-deployment") && !parameters.getValue().isBlank()) {
            if (!(VariableValues.parse(parameters.getValue()) instanceof JsonObject o)) {
                FormProblems.mark(parameters, "Not a JSON object");
                return Optional.empty();
            }
            params = o;
        }
        Pick chosenTarget = target.getValue();
        Pick chosenBlock = block.getValue();
        return Optional.of(new ActionChoice(t, source.getValue(), chosenTarget == null ? null : chosenTarget.id(),
                params, state.getValue(), blankToNull(stateName.getValue()), blankToNull(message.getValue()),
                force.getValue(), chosenBlock == null ? null : chosenBlock.id(), subject.getValue(),
                text.getValue()));
    }

    /**
     * Puts a 422's message on the field it concerns, {@code field} being its place in the action ("" for the action
     * as a whole, as Prefect reports a selected target without its id).
     */
    void mark(String field, String message) {
        HasValidation on = switch (field) {
            case "parameters" -> parameters;
            case "block_document_id" -> block;
            case "subject" -> subject;
            case "body", "payload" -> text;
            case "state" -> state;
            default -> target.isVisible() ? target : type;
        };
        FormProblems.mark(on, message);
    }

    void clearProblems() {
        for (HasValidation f : List.of(type, target, parameters, state, block, subject, text)) FormProblems.clear(f);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
