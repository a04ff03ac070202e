package dev.steward.console;

import dev.steward.access.Caller;
import java.io.Serializable;
import java.util.Set;

/**
 * The logged-in Keycloak user as the {@code VaadinSession} remembers it, for work that runs outside an HTTP request
 * (a pushed refresh on the event thread), where the request-scoped {@code CurrentCaller} is not available.
 */
record ConsoleUser(String name, boolean platformAdmin, Set<String> workspaceGroups) implements Serializable {

    static ConsoleUser of(Caller caller) {
        return new ConsoleUser(caller.name(), caller.platformAdmin(), Set.copyOf(caller.workspaceGroups()));
    }

    Caller toCaller() {
        return new Caller(Caller.Kind.USER, name, null, null, null, platformAdmin, workspaceGroups);
    }
}
