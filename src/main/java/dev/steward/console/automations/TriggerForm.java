package dev.steward.console.automations;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import dev.steward.console.FormProblems;
import dev.steward.console.automations.Picks.Kind;
import dev.steward.console.automations.Picks.Pick;
import dev.steward.console.variables.VariableValues;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The editor's trigger: a template chosen from the common ones and the fields it needs, shown as the template asks.
 * It holds a {@link TriggerChoice}; the API's 422 on the trigger it writes comes back to its fields through
 * {@link #mark}.
 */
class TriggerForm extends FormLayout {
    /** The templates, as the form offers them. */
    enum Template {
        FLOW_RUN_ENTERS("A flow run enters a state"),
        FLOW_RUN_STAYS("A flow run stays in a state for a time"),
        DEPLOYMENT("A deployment changes status"),
        WORK_POOL("A work pool changes status"),
        WORK_QUEUE("A work queue changes status"),
        CUSTOM("A custom event");

        final String label;

        Template(String label) {
            this.label = label;
        }

        /** The resource kind of a status template ("work-pool"), else null. */
        String kind() {
            return switch (this) {
                case DEPLOYMENT -> "deployment";
                case WORK_POOL -> "work-pool";
                case WORK_QUEUE -> "work-queue";
                default -> null;
            };
        }

        Kind picks() {
            return switch (this) {
                case DEPLOYMENT -> Kind.DEPLOYMENT;
                case WORK_POOL -> Kind.WORK_POOL;
                case WORK_QUEUE -> Kind.WORK_QUEUE;
                default -> Kind.FLOW;
            };
        }
    }

    private final Picks picks;
    private final Select<Template> template = new Select<>();
    private final MultiSelectComboBox<String> states = new MultiSelectComboBox<>("States");
    private final MultiSelectComboBox<Pick> chosen = new MultiSelectComboBox<>();
    private final Select<String> status = new Select<>();
    private final RadioButtonGroup<String> stays = new RadioButtonGroup<>("When it");
    private final DurationInput duration = new DurationInput("trigger-for", "For", Duration.ofMinutes(10));
    private final TextField events = new TextField("Event names");
    private final TextField resources = new TextField("Resource ids");
    private final RadioButtonGroup<String> posture = new RadioButtonGroup<>("Fires on");
    private final IntegerField threshold = new IntegerField("Events");
    private final DurationInput within = new DurationInput("trigger-within", "Within", Duration.ZERO);
    private final Checkbox perResource = new Checkbox("Count each resource separately");

    TriggerForm(Picks picks) {
        this.picks = picks;
        setId("trigger-form");
        setResponsiveSteps(new ResponsiveStep("0", 1), new ResponsiveStep("32rem", 2));
        configureFields();
        template.setValue(Template.FLOW_RUN_ENTERS);
        add(template, 2);
        add(states, chosen, status, stays, duration.component(), events, resources, posture, threshold,
                within.component(), perResource);
        show(Template.FLOW_RUN_ENTERS);
    }

    private void configureFields() {
        template.setId("trigger-template");
        template.setLabel("When");
        template.setItems(Template.values());
        template.setItemLabelGenerator(t -> t.label);
        template.addValueChangeListener(e -> {
            if (e.getValue() != null) show(e.getValue());
        });
        states.setId("trigger-states");
        states.setItems(TriggerChoice.FLOW_RUN_STATES);
        states.setHelperText("Any state when empty");
        chosen.setId("trigger-chosen");
        chosen.setItemLabelGenerator(Pick::label);
        chosen.setHelperText("Any when empty");
        status.setId("trigger-status");
        status.setLabel("Status");
        stays.setId("trigger-stays");
        stays.setItems("enters", "stays");
        stays.setItemLabelGenerator(s -> s.equals("enters") ? "enters the status" : "stays in it for a time");
        stays.setValue("enters");
        stays.addValueChangeListener(e -> duration.setVisible(template.getValue() == Template.FLOW_RUN_STAYS
                || "stays".equals(e.getValue())));
        events.setId("trigger-events");
        events.setHelperText("Comma-separated; * matches any part, e.g. acme.order.*");
        resources.setId("trigger-resources");
        resources.setHelperText("Comma-separated prefect.resource.id values (globs); any resource when empty");
        posture.setId("trigger-posture");
        posture.setItems("Reactive", "Proactive");
        posture.setItemLabelGenerator(p -> p.equals("Reactive") ? "at least this many events"
                : "fewer than this many events");
        posture.setValue("Reactive");
        threshold.setId("trigger-threshold");
        threshold.setMin(1);
        threshold.setValue(1);
        perResource.setId("trigger-per-resource");
        states.addValueChangeListener(e -> FormProblems.clear(states));
        chosen.addValueChangeListener(e -> FormProblems.clear(chosen));
        events.addValueChangeListener(e -> FormProblems.clear(events));
        resources.addValueChangeListener(e -> FormProblems.clear(resources));
        threshold.addValueChangeListener(e -> FormProblems.clear(threshold));
    }

    /** Shows the template's fields, the picker filled with its kind's objects. */
    private void show(Template t) {
        boolean flowRun = t == Template.FLOW_RUN_ENTERS || t == Template.FLOW_RUN_STAYS;
        boolean status = t.kind() != null;
        states.setVisible(flowRun);
        states.setLabel(t == Template.FLOW_RUN_STAYS ? "Stays in" : "Enters");
        chosen.setVisible(flowRun || status);
        if (flowRun || status) {
            chosen.setLabel(switch (t) {
                case DEPLOYMENT -> "Deployments";
                case WORK_POOL -> "Work pools";
                case WORK_QUEUE -> "Work queues";
                default -> "Flows";
            });
            chosen.setItems(picks.of(t.picks()));
        }
        this.status.setVisible(status);
        stays.setVisible(status);
        if (status) {
            this.status.setItems(TriggerChoice.Status.statuses(t.kind()));
            this.status.setValue("not-ready");
        }
        duration.setVisible(t == Template.FLOW_RUN_STAYS || status && "stays".equals(stays.getValue()));
        boolean custom = t == Template.CUSTOM;
        for (Component c : List.of(events, resources, posture, threshold, within.component(), perResource)) {
            c.setVisible(custom);
        }
    }

    /** What the form says. */
    TriggerChoice value() {
        Template t = template.getValue();
        List<UUID> ids = chosen.getSelectedItems().stream().map(Pick::id).toList();
        return switch (t) {
            case FLOW_RUN_ENTERS -> new TriggerChoice.FlowRunState(orderedStates(), ids, null);
            case FLOW_RUN_STAYS -> new TriggerChoice.FlowRunState(orderedStates(), ids, duration.value());
            case CUSTOM -> new TriggerChoice.CustomEvent(VariableValues.tags(events.getValue()),
                    VariableValues.tags(resources.getValue()), perResource.getValue(),
                    "Proactive".equals(posture.getValue()), threshold.getValue() == null ? 0 : threshold.getValue(),
                    within.value());
            default -> new TriggerChoice.Status(t.kind(), ids, status.getValue(),
                    "stays".equals(stays.getValue()) ? duration.value() : null);
        };
    }

    void setValue(TriggerChoice choice) {
        if (choice instanceof TriggerChoice.FlowRunState f) {
            template.setValue(f.stays() == null ? Template.FLOW_RUN_ENTERS : Template.FLOW_RUN_STAYS);
            Set<String> offered = new LinkedHashSet<>(TriggerChoice.FLOW_RUN_STATES);
            offered.addAll(f.states());
            states.setItems(offered);
            states.setValue(new LinkedHashSet<>(f.states()));
            choose(Kind.FLOW, f.flows());
            if (f.stays() != null) duration.set(f.stays());
        } else if (choice instanceof TriggerChoice.Status s) {
            Template t = switch (s.kind()) {
                case "deployment" -> Template.DEPLOYMENT;
                case "work-pool" -> Template.WORK_POOL;
                default -> Template.WORK_QUEUE;
            };
            template.setValue(t);
            choose(t.picks(), s.targets());
            status.setValue(s.status());
            stays.setValue(s.stays() == null ? "enters" : "stays");
            if (s.stays() != null) duration.set(s.stays());
        } else if (choice instanceof TriggerChoice.CustomEvent c) {
            template.setValue(Template.CUSTOM);
            events.setValue(String.join(", ", c.names()));
            resources.setValue(String.join(", ", c.resources()));
            perResource.setValue(c.perResource());
            posture.setValue(c.proactive() ? "Proactive" : "Reactive");
            threshold.setValue(c.threshold());
            within.set(c.within());
        }
    }

    /** The chosen ids, those the picker does not offer (deleted since, or past its first page) included. */
    private void choose(Kind kind, List<UUID> ids) {
        List<Pick> found = picks.find(kind, ids);
        chosen.setItems(picks.of(kind));
        chosen.setValue(new LinkedHashSet<>(found));
    }

    /** The chosen states in the order the form lists them (a multi-select keeps no order of its own). */
    private List<String> orderedStates() {
        List<String> out = new ArrayList<>();
        for (String s : TriggerChoice.FLOW_RUN_STATES) {
            if (states.getSelectedItems().contains(s)) out.add(s);
        }
        states.getSelectedItems().stream().filter(s -> !out.contains(s)).forEach(out::add);
        return out;
    }

    /**
     * Puts a 422's message on the field it concerns, {@code field} being its place in the trigger ("within",
     * "expect", "" for the trigger as a whole). False when no field shows it.
     */
    boolean mark(String field, String message) {
        Template t = template.getValue();
        String part = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
        HasValidation target = switch (part) {
            case "within" -> t == Template.CUSTOM ? within.amount : duration.amount;
            case "threshold" -> t == Template.CUSTOM ? threshold : null;
            case "expect", "after" -> t == Template.CUSTOM ? events : states.isVisible() ? states : null;
            case "match" -> t == Template.CUSTOM ? resources : chosen;
            case "match_related" -> chosen.isVisible() ? chosen : null;
            default -> null;
        };
        if (target == null) return false;
        FormProblems.mark(target, message);
        return true;
    }

    void clearProblems() {
        for (HasValidation field : List.of(states, chosen, events, resources, threshold, duration.amount,
                within.amount)) {
            FormProblems.clear(field);
        }
    }

    /** A length of time as an amount and a unit (seconds, minutes or hours). */
    private static final class DurationInput {
        final IntegerField amount;
        private final Select<ChronoUnit> unit = new Select<>();
        private final HorizontalLayout layout;

        DurationInput(String id, String label, Duration initial) {
            amount = new IntegerField(label);
            amount.setId(id);
            amount.setMin(0);
            amount.setWidth("8rem");
            unit.setId(id + "-unit");
            unit.setItems(ChronoUnit.SECONDS, ChronoUnit.MINUTES, ChronoUnit.HOURS);
            unit.setItemLabelGenerator(u -> u.toString().toLowerCase(Locale.ROOT));
            unit.setWidth("8rem");
            set(initial);
            amount.addValueChangeListener(e -> FormProblems.clear(amount));
            layout = new HorizontalLayout(amount, unit);
            layout.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        }

        Component component() {
            return layout;
        }

        void setVisible(boolean visible) {
            layout.setVisible(visible);
        }

        Duration value() {
            return Duration.of(amount.getValue() == null ? 0 : amount.getValue(), unit.getValue());
        }

        /** In the largest unit that says it exactly. */
        void set(Duration d) {
            long seconds = d.toSeconds();
            ChronoUnit u = seconds == 0 || seconds % 60 != 0 ? ChronoUnit.SECONDS
                    : seconds % 3600 == 0 ? ChronoUnit.HOURS : ChronoUnit.MINUTES;
            unit.setValue(u);
            amount.setValue((int) (seconds / u.getDuration().toSeconds()));
        }
    }
}
