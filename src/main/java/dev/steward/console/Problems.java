package dev.steward.console;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.Component;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the console tells the user when a service call fails. Services throw {@link Problem} with Prefect's
 * detail: a 422 carries FastAPI's list of {loc, msg, type}, other statuses a sentence. Transaction interceptors may
 * wrap it, so it is looked up along the cause chain. Anything else is a bug: logged with a reference, and the user
 * gets the reference only.
 */
public final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());

    private Problems() {}

    /** One field's message from a 422; {@code field} is the location after "body", e.g. {@code name}. */
    public record FieldProblem(String field, String message) {}

    public static Problem api(Throwable e) {
        return ErrorMappers.findCause(e, Problem.class);
    }

    /** The field-level messages of a 422 (empty for other errors). */
    public static List<FieldProblem> fieldProblems(Problem e) {
        List<FieldProblem> out = new ArrayList<>();
        if (!(e instanceof InvalidInput) || !(e.detail() instanceof JsonArray errors)) return out;
        for (JsonValue error : errors) {
            if (!(error instanceof JsonObject o)) continue;
            out.add(new FieldProblem(field(o.get("loc")), o.getString("msg", "Invalid value")));
        }
        return out;
    }

    private static String field(JsonValue loc) {
        if (!(loc instanceof JsonArray parts)) return "";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonValue part = parts.get(i);
            String name = part instanceof JsonString s ? s.getString() : part.toString();
            if (i == 0 && "body".equals(name)) continue;
            names.add(name);
        }
        return String.join(".", names);
    }

    /** The detail as one sentence: the string, or the messages of a 422 joined. */
    public static String message(Problem e) {
        if (e.detail() instanceof JsonString s) return s.getString();
        List<FieldProblem> problems = fieldProblems(e);
        if (!problems.isEmpty()) {
            return String.join("; ", problems.stream()
                    .map(p -> p.field().isEmpty() ? p.message() : p.field() + ": " + p.message()).toList());
        }
        return e.detail().toString();
    }

    /** Shows a failed call as an error notification. */
    public static void show(Throwable e) {
        error(describe(e));
    }

    /** The sentence for a failure: the service's detail, or a reference to the log for a bug. */
    public static String describe(Throwable e) {
        Problem api = api(e);
        if (api != null) return message(api);
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected console error, reference " + reference, e);
        return "Something went wrong (reference " + reference + ")";
    }

    /**
     * A read for a grid or combo box of {@code view}: they ask for data while the response is being written, so a
     * failure is reported in the next round trip, and {@code fallback} shown meanwhile.
     */
    public static <T> T orLater(Component view, Supplier<T> read, T fallback) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            String message = describe(e);
            view.getUI().ifPresent(ui -> ui.access(() -> error(message)));
            return fallback;
        }
    }

    public static void error(String text) {
        Notification n = Notification.show(text, 6000, Notification.Position.BOTTOM_START);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }

    public static void success(String text) {
        Notification n = Notification.show(text, 3000, Notification.Position.BOTTOM_START);
        n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }
}
