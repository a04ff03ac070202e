package dev.steward.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.testing.Routes;
import dev.steward.testing.Routes.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deny by default, at build time: every route of the WAR declares the access it needs, and the declarations follow
 * the rules (writes need a developer, routes outside a workspace are for signed-in users). A new route without a
 * declaration fails this test, and with it the build.
 */
class RouteDeclarationsTest {
    private final List<Route> routes = Routes.all();

    @Test
    void findsTheRoutes() {
        assertTrue(routes.size() > 100, "the scan found only " + routes.size() + " routes: " + routes);
        assertTrue(routes.stream().filter(Route::websocket).count() >= 3, "WebSocket endpoints: " + routes);
    }

    @Test
    void everyRouteDeclaresItsAccess() {
        List<String> undeclared = routes.stream()
                .filter(r -> r.inWorkspace() ? r.minRole() == null : r.userRoute() == null)
                .map(r -> r + " (" + r.javaMethod() + ")").toList();
        assertEquals(List.of(), undeclared, "routes that declare no role (@MinRole in a workspace, else @UserRoute)");
    }

    @Test
    void writesNeedAtLeastADeveloper() {
        List<String> open = routes.stream()
                .filter(r -> r.write() && r.inWorkspace() && r.role() != null && !r.role().atLeast(Role.DEVELOPER))
                .map(r -> r + " (" + r.javaMethod() + ": " + r.role() + ")").toList();
        assertEquals(List.of(), open, "writes open to viewers");
    }

    @Test
    void eventsInAndWorkersNeedADeveloper() {
        for (Route r : routes) {
            if (r.websocket() && (r.path().endsWith("/events/in") || r.path().endsWith("/workers/connect"))) {
                assertEquals(Role.DEVELOPER, r.role(), r.toString());
            }
        }
    }
}
