package dev.steward.console.apikeys;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;

/**
 * Shows a new key's secret, this once. Steward stores only its hash, so the secret cannot be shown again; the dialog
 * says so, offers a copy button, and forgets the secret when it closes (it is not kept anywhere on the server).
 */
public class ApiKeySecretDialog extends Dialog {
    private final Span secret = new Span();

    public ApiKeySecretDialog(String keyName, String secretText) {
        setHeaderTitle("API key " + keyName + " created");
        setWidth("36rem");
        setCloseOnOutsideClick(false);
        setCloseOnEsc(false);
        configureSecret(secretText);
        Paragraph hint = new Paragraph("Copy this key now and keep it somewhere safe. It is shown only once: "
                + "Steward keeps only a hash of it and cannot show it again.");
        hint.setId("new-api-key-hint");
        Paragraph usage = new Paragraph("For the Prefect client set PREFECT_API_AUTH_STRING=<key>; other clients send \"Authorization: Bearer <key>\".");
        usage.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        add(hint, createSecretBox(), usage);
        configureFooter();
        addOpenedChangeListener(e -> {
            if (!e.isOpened()) secret.setText("");
        });
    }

    private void configureSecret(String secretText) {
        secret.setId("new-api-key-secret");
        secret.setText(secretText);
        secret.getStyle()
                .set("font-family", "var(--lumo-font-family-monospace, monospace)")
                .set("user-select", "all")
                .set("word-break", "break-all");
    }

    private Div createSecretBox() {
        Button copy = new Button("Copy", VaadinIcon.COPY.create(), e -> copy());
        copy.setId("copy-api-key-secret");
        copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
        Div box = new Div(secret, copy);
        box.getStyle()
                .set("display", "flex").set("gap", "var(--lumo-space-m)").set("align-items", "center")
                .set("justify-content", "space-between")
                .set("padding", "var(--lumo-space-s) var(--lumo-space-m)")
                .set("background", "var(--lumo-contrast-5pct)")
                .set("border-radius", "var(--lumo-border-radius-m)");
        return box;
    }

    private void configureFooter() {
        Button done = new Button("I have copied it", e -> close());
        done.setId("close-api-key-secret");
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(done);
    }

    /** The clipboard API needs a secure context (https or localhost); elsewhere the text is selected for Ctrl+C. */
    private void copy() {
        secret.getElement().executeJs("""
                const text = this.textContent;
                if (navigator.clipboard && window.isSecureContext) {
                  return navigator.clipboard.writeText(text).then(() => true, () => false);
                }
                const range = document.createRange();
                range.selectNodeContents(this);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return false;
                """).then(Boolean.class, copied -> Notification.show(
                copied ? "Copied to the clipboard" : "Selected: press Ctrl+C (or Cmd+C) to copy",
                3000, Notification.Position.BOTTOM_START));
    }
}
