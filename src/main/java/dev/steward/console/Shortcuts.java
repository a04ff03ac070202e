package dev.steward.console;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.shared.Registration;
import dev.steward.platform.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's keyboard shortcuts: a registry of key sequences ("g r", "f") with what they do, shown by {@code ?}
 * in an overlay. The browser side ({@code <steward-shortcuts>}, {@code frontend/src/shortcuts/shortcuts.ts}) listens
 * to the keys, ignores them while the user types in a field, and handles {@code ?}, {@code /} and {@code t} itself;
 * the main layout adds its navigation here, and a view adds its own while attached ({@link #around}).
 */
@Tag("steward-shortcuts")
@JsModule("./src/shortcuts/shortcuts.ts")
public class Shortcuts extends Component {
    private record Entry(String description, Runnable action) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public Shortcuts() {
        setId("shortcuts");
        getElement().addEventListener("shortcut", e -> {
            Entry entry = entries.get(e.getEventData().getString("event.detail.keys"));
            if (entry != null) entry.action().run();
        }).addEventData("event.detail.keys");
    }

    /**
     * The shortcuts of the layout around a component (the main layout holds them beside its content). Found through
     * the parents, which a view has by the time it attaches, whatever order the tree attaches in.
     */
    public static Optional<Shortcuts> around(Component component) {
        for (Optional<Component> c = component.getParent(); c.isPresent(); c = c.get().getParent()) {
            Optional<Shortcuts> found = c.get().getChildren().filter(Shortcuts.class::isInstance)
                    .map(Shortcuts.class::cast).findFirst();
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    /**
     * Adds a shortcut; a later one with the same keys replaces it until removed.
     *
     * @param keys one key or two separated by a space, e.g. {@code "g r"}
     * @return removes the shortcut (call it when the view detaches)
     */
    public Registration add(String keys, String description, Runnable action) {
        Entry entry = new Entry(description, action);
        Entry previous = entries.put(keys, entry);
        publish();
        return () -> {
            if (entries.get(keys) == entry) {
                if (previous != null) entries.put(keys, previous);
                else entries.remove(keys);
                publish();
            }
        };
    }

    private void publish() {
        var list = Json.createArrayBuilder();
        entries.forEach((keys, entry) -> list.add(Json.createObjectBuilder().add("keys", keys)
                .add("description", entry.description())));
        getElement().setProperty("shortcuts", list.build().toString());
    }
}
