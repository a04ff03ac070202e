package dev.steward.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.IntSupplier;

/** The five TCP ports of a stack, all on 127.0.0.1. */
public record StackPorts(int postgres, int redis, int keycloak, int keycloakManagement, int app) {

    // Saved dev ports come from below Linux's ephemeral range (32768+), from which the kernel hands out ports to
    // outgoing connections and to the throwaway test stacks: so they are still free on the next dev start.
    private static final int SAVED_LOWEST = 20000;
    private static final int SAVED_HIGHEST = 32000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Five distinct ports the kernel says are free now (its ephemeral range): for a throwaway stack (tests). */
    public static StackPorts pickEphemeral() {
        return fromDistinct(() -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Five distinct free ports from 20000-31999, for a stack that saves its ports (dev). */
    public static StackPorts pickForSaving() {
        return fromDistinct(() -> {
            int port = RANDOM.nextInt(SAVED_LOWEST, SAVED_HIGHEST);
            return isFree(port) ? port : -1;
        });
    }

    private static StackPorts fromDistinct(IntSupplier candidates) {
        Set<Integer> chosen = new LinkedHashSet<>();
        while (chosen.size() < 5) {
            int port = candidates.getAsInt();
            if (port > 0) {
                chosen.add(port);
            }
        }
        Integer[] p = chosen.toArray(new Integer[0]);
        return new StackPorts(p[0], p[1], p[2], p[3], p[4]);
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Service name to port, in start order; used for messages and the properties file. */
    public Map<String, Integer> byName() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("postgres", postgres);
        m.put("redis", redis);
        m.put("keycloak", keycloak);
        m.put("keycloak.management", keycloakManagement);
        m.put("app", app);
        return m;
    }

    /** Descriptions like {@code 21080 (app)} of the ports someone else holds. */
    public List<String> taken() {
        List<String> taken = new ArrayList<>();
        byName().forEach((name, port) -> {
            if (!isFree(port)) {
                taken.add(port + " (" + name + ")");
            }
        });
        return taken;
    }

    public static StackPorts load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return new StackPorts(port(p, "postgres", file), port(p, "redis", file), port(p, "keycloak", file),
                port(p, "keycloak.management", file), port(p, "app", file));
    }

    public void save(Path file) throws IOException {
        Properties p = new Properties();
        byName().forEach((name, port) -> p.setProperty(name, String.valueOf(port)));
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Ports of the dev stack, chosen on its first start and reused so URLs stay the same."
                    + " Delete this file to choose new ones.");
        }
    }

    private static int port(Properties p, String name, Path file) {
        String value = p.getProperty(name);
        if (value == null) {
            throw new StackException(file + " has no '" + name + "'; delete the file to choose new ports");
        }
        return Integer.parseInt(value.trim());
    }
}
