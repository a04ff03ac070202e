package dev.steward.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import dev.steward.testing.Routes;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's views, found in the compiled classes: each is for signed-in users only ({@code @PermitAll}, which
 * Vaadin's NavigationAccessControl checks; a view without it is denied) and none is open to anonymous visitors. What
 * a user may do inside a workspace is checked on each call by {@link ConsoleWorkspaces#call}, not by the view.
 */
class ConsoleViewsTest {
    private final List<Class<?>> views = Routes.applicationClasses().stream()
            .filter(c -> c.isAnnotationPresent(Route.class)).toList();

    @Test
    void findsTheViews() {
        assertTrue(views.stream().anyMatch(c -> c.getSimpleName().equals("AutomationView")), views.toString());
        assertTrue(views.size() >= 12, views.toString());
    }

    @Test
    void everyViewIsForSignedInUsersOnly() {
        assertEquals(List.of(), views.stream()
                .filter(c -> !c.isAnnotationPresent(PermitAll.class) || c.isAnnotationPresent(AnonymousAllowed.class))
                .map(Class::getName).toList(), "views not declared @PermitAll, or open to anonymous visitors");
    }
}
