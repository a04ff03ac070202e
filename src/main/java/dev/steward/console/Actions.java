package dev.steward.console;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/** What every grid page builds alike: a row's small action buttons, and the question before an irreversible step. */
public final class Actions {
    private Actions() {}

    /**
     * A small tertiary button for one row: {@code id} for tests, {@code className} shared by the rows, the label says
     * which row for screen readers; {@code destructive} paints it red.
     */
    public static Button rowButton(String text, String id, String className, String ariaLabel, boolean destructive,
                                   Runnable click) {
        Button b = new Button(text, e -> click.run());
        b.setId(id);
        b.addClassName(className);
        b.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_SMALL);
        if (destructive) b.addThemeVariants(ButtonVariant.LUMO_ERROR);
        b.setAriaLabel(ariaLabel);
        return b;
    }

    /** A row's buttons side by side, without the gap a toolbar has. */
    public static HorizontalLayout row(Button... buttons) {
        HorizontalLayout layout = new HorizontalLayout(buttons);
        layout.setSpacing(false);
        return layout;
    }

    /** Asks before a step that cannot be undone; {@code confirmed} runs only on the red confirm button. */
    public static void confirm(String id, String header, String text, String confirmText, Runnable confirmed) {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId(id);
        dialog.setHeader(header);
        dialog.setText(text);
        dialog.setCancelable(true);
        dialog.setConfirmText(confirmText);
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> confirmed.run());
        dialog.open();
    }
}
