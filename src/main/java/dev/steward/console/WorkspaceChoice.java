package dev.steward.console;

import dev.steward.access.Role;
import dev.steward.access.Workspace;
import java.io.Serializable;
import java.util.UUID;

/**
 * A workspace as the console offers it: the switcher's item and what the {@code VaadinSession} remembers. The role is
 * the one the user had when the list was loaded; it only decides which buttons a view shows, every service call
 * checks the role again ({@link ConsoleWorkspaces#call}).
 */
public record WorkspaceChoice(UUID id, String slug, String name, Role role) implements Serializable {

    static WorkspaceChoice of(Workspace ws, Role role) {
        return new WorkspaceChoice(ws.getId(), ws.getSlug(), ws.getName(), role);
    }

    /** What the switcher shows: the name, and the slug too when the two differ. */
    public String label() {
        return name == null || name.equals(slug) ? slug : name + " (" + slug + ")";
    }
}
