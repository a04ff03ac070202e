package dev.steward.testing;

import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.UserRoute;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every route of the WAR, found in its compiled classes (the bytes the server deploys), not listed by hand: each
 * JAX-RS resource method (class path + method path, under {@code /api}) and each WebSocket endpoint (a
 * {@code @ServerEndpoint}, or an {@code HttpUpgradeHandler} with a {@code PATH} constant), with the access it declares.
 */
public final class Routes {
    private Routes() {}

    /** The last path segments of POST routes that only read (Prefect's filters, counts and histories). */
    public static final Set<String> READING_POSTS = Set.of("filter", "count", "history", "paginate", "{countable}", "validate");

    /**
     * One route. {@code path} starts with {@code /api}; {@code minRole} and {@code userRoute} are its declarations
     * (null when absent), {@code javaMethod} is where it lives.
     */
    public record Route(String verb, String path, MinRole minRole, UserRoute userRoute, String javaMethod) {
        public boolean websocket() { return verb.equals("WS"); }

        public boolean inWorkspace() { return path.contains("{workspace}"); }

        /** A route that changes something: every verb but GET, except POSTs that only read. */
        public boolean write() {
            if (verb.equals("GET") || websocket()) return false;
            String last = path.substring(path.lastIndexOf('/') + 1);
            return !(verb.equals("POST") && READING_POSTS.contains(last));
        }

        /** The role a caller needs, or null for a route outside a workspace. */
        public Role role() { return minRole == null ? null : minRole.value(); }

        @Override
        public String toString() { return verb + " " + path; }
    }

    public static List<Route> all() {
        List<Route> out = new ArrayList<>();
        for (Class<?> c : applicationClasses()) {
            Path classPath = c.getAnnotation(Path.class);
            if (classPath != null) {
                for (Method m : c.getMethods()) {
                    String verb = verb(m);
                    if (verb == null) continue;
                    Path methodPath = m.getAnnotation(Path.class);
                    String path = join("/api", classPath.value(), methodPath == null ? "" : methodPath.value());
                    out.add(new Route(verb, path, declared(m, MinRole.class), declared(m, UserRoute.class),
                            c.getSimpleName() + "." + m.getName()));
                }
            }
            ServerEndpoint endpoint = c.getAnnotation(ServerEndpoint.class);
            if (endpoint != null) out.add(webSocket(c, endpoint.value()));
            if (HttpUpgradeHandler.class.isAssignableFrom(c) && !c.isInterface()
                    && !Modifier.isAbstract(c.getModifiers())) {
                out.add(webSocket(c, upgradePath(c)));
            }
        }
        out.sort(Comparator.comparing(Route::path).thenComparing(Route::verb));
        return out;
    }

    private static Route webSocket(Class<?> c, String path) {
        return new Route("WS", path, c.getAnnotation(MinRole.class), c.getAnnotation(UserRoute.class), c.getSimpleName());
    }

    private static String upgradePath(Class<?> c) {
        try {
            return (String) c.getField("PATH").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(c.getName() + " upgrades to a WebSocket but names no PATH", e);
        }
    }

    private static String verb(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) return http.value();
        }
        return null;
    }

    private static <A extends Annotation> A declared(Method m, Class<A> type) {
        A onMethod = m.getAnnotation(type);
        return onMethod != null ? onMethod : m.getDeclaringClass().getAnnotation(type);
    }

    /** "/api" + "/workspaces/{workspace}/flows" + "{id}" = "/api/workspaces/{workspace}/flows/{id}"; regexes dropped. */
    static String join(String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            String p = part.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
            p = p.replaceAll("^/+|/+$", "");
            if (!p.isEmpty()) out.append('/').append(p);
        }
        return out.toString();
    }

    /** The application's classes (top-level ones): the folder {@code dev.steward} was compiled into. */
    public static List<Class<?>> applicationClasses() {
        try {
            java.nio.file.Path root = Paths.get(MinRole.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<Class<?>> out = new ArrayList<>();
            try (Stream<java.nio.file.Path> files = Files.walk(root.resolve("dev/steward"))) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                    String name = root.relativize(f).toString();
                    if (!name.endsWith(".class") || name.contains("$")) continue;
                    String className = name.substring(0, name.length() - 6).replace('/', '.');
                    out.add(Class.forName(className, false, Routes.class.getClassLoader()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
