package dev.steward.console;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.html.Span;

/**
 * How a console form shows what is wrong: on the field it concerns (a second problem on a field is added to the
 * first), else in a line under the form. Every form marks and clears its problems through one of these.
 */
public final class FormProblems {
    private final Span line = new Span();

    /** @param id the line's element id, which the browser tests read */
    public FormProblems(String id) {
        line.setId(id);
        line.getStyle().set("color", "var(--lumo-error-text-color)");
        line.setVisible(false);
    }

    /** The line under the form, to place in its layout. */
    public Span line() {
        return line;
    }

    public static void mark(HasValidation field, String message) {
        String previous = field.isInvalid() ? field.getErrorMessage() : null;
        field.setErrorMessage(previous == null || previous.isEmpty() ? message : previous + "; " + message);
        field.setInvalid(true);
    }

    public static void clear(HasValidation field) {
        field.setInvalid(false);
        field.setErrorMessage(null);
    }

    /** A problem that concerns no single field, added to the line under the form. */
    public void general(String message) {
        String previous = line.isVisible() ? line.getText() : "";
        line.setText(previous.isEmpty() ? message : previous + "; " + message);
        line.setVisible(true);
    }

    /** Clears the fields and the line. */
    public void clear(HasValidation... fields) {
        for (HasValidation field : fields) clear(field);
        line.setText("");
        line.setVisible(false);
    }
}
