package dev.steward.console.apikeys;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import dev.steward.access.Role;
import dev.steward.console.FormProblems;
import dev.steward.console.Problems;
import dev.steward.platform.Problem;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Issues an API key: a name, a role (viewer, developer or admin, never above the user's own role in the workspace)
 * and an optional expiry date. Like the variable form it only collects input; the view issues the key and hands the
 * service's objections back with {@link #showProblem}.
 */
public class ApiKeyForm extends Dialog {
    private final TextField name = new TextField("Name");
    private final Select<Role> role = new Select<>();
    private final DatePicker expires = new DatePicker("Expires on (optional)");
    private final FormProblems formProblems = new FormProblems("api-key-form-error");
    private final Button create = new Button("Create");
    private final Button cancel = new Button("Cancel");

    /** @param ownRole the user's role in the workspace: the strongest role the new key may have */
    public ApiKeyForm(Role ownRole) {
        setHeaderTitle("New API key");
        setWidth("30rem");
        setCloseOnOutsideClick(false);
        configureFields(ownRole);
        configureButtons();
        add(createFormLayout());
    }

    /** The roles a key may get: up to admin (owners are people), and not above the user's own role. */
    static List<Role> grantable(Role ownRole) {
        return Arrays.stream(Role.values()).filter(r -> r != Role.OWNER && ownRole.atLeast(r)).toList();
    }

    private void configureFields(Role ownRole) {
        name.setId("api-key-name");
        name.setRequiredIndicatorVisible(true);
        name.setMaxLength(100);
        name.setHelperText("Where it is used, e.g. ci-deploy or worker-eu");
        name.setWidthFull();

        List<Role> roles = grantable(ownRole);
        role.setId("api-key-role");
        role.setLabel("Role");
        role.setItems(roles);
        role.setItemLabelGenerator(Role::wireName);
        role.setValue(roles.contains(Role.DEVELOPER) ? Role.DEVELOPER : roles.get(roles.size() - 1));
        role.setHelperText("Workers and flow runs need developer");
        role.setWidthFull();

        expires.setId("api-key-expires");
        expires.setMin(LocalDate.now(ZoneOffset.UTC).plusDays(1));
        expires.setClearButtonVisible(true);
        expires.setHelperText("The key stops working at 00:00 UTC on this day; empty: never expires");
        expires.setWidthFull();


        name.addValueChangeListener(e -> FormProblems.clear(name));
        expires.addValueChangeListener(e -> FormProblems.clear(expires));
    }

    private void configureButtons() {
        create.setId("save-api-key");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.addClickListener(e -> validateAndCreate());
        create.addClickShortcut(Key.ENTER).listenOn(name);
        create.setDisableOnClick(true);
        cancel.setId("cancel-api-key");
        cancel.addClickListener(e -> close());
        getFooter().add(cancel, create);
    }

    private FormLayout createFormLayout() {
        FormLayout form = new FormLayout(name, role, expires, formProblems.line());
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        return form;
    }

    public void focusName() {
        name.focus();
    }

    private void validateAndCreate() {
        try {
            clearProblems();
            if (expires.isInvalid()) {
                // the date picker itself says why (unparsable or before its minimum)
                return;
            }
            LocalDate day = expires.getValue();
            Instant expiresAt = day == null ? null : day.atStartOfDay(ZoneOffset.UTC).toInstant();
            fireEvent(new CreateEvent(this, name.getValue().strip(), role.getValue(), expiresAt));
        } finally {
            create.setEnabled(true);
        }
    }

    /** Shows the service's objection on the fields it concerns, the rest under the form. */
    public void showProblem(Problem e) {
        clearProblems();
        List<Problems.FieldProblem> problems = Problems.fieldProblems(e);
        if (problems.isEmpty()) {
            formProblems.general(Problems.message(e));
            return;
        }
        for (Problems.FieldProblem p : problems) {
            switch (p.field()) {
                case "name" -> FormProblems.mark(name, p.message());
                case "expires_at" -> FormProblems.mark(expires, p.message());
                default -> formProblems.general(p.message());
            }
        }
    }

    private void clearProblems() {
        formProblems.clear(name, expires);
    }

    /** The user asked to create the key. */
    public static class CreateEvent extends ComponentEvent<ApiKeyForm> {
        private final String name;
        private final Role role;
        private final Instant expiresAt;

        CreateEvent(ApiKeyForm source, String name, Role role, Instant expiresAt) {
            super(source, false);
            this.name = name;
            this.role = role;
            this.expiresAt = expiresAt;
        }

        public String name() { return name; }
        public Role role() { return role; }
        public Instant expiresAt() { return expiresAt; }
    }

    public Registration addCreateListener(ComponentEventListener<CreateEvent> listener) {
        return addListener(CreateEvent.class, listener);
    }
}
