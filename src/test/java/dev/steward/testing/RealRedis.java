package dev.steward.testing;

import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** One real redis-server (embedded-redis ships the binary) per test JVM, on a free loopback port. */
public final class RealRedis {
    private static RedisServer server;
    private static int port;

    private RealRedis() {}

    public static synchronized String url() {
        if (server == null) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try {
                server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").build();
                server.start();
            } catch (IOException e) {
                throw new IllegalStateException("could not start Redis", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }));
        }
        return "redis://127.0.0.1:" + port;
    }

    /** Stops and starts the server on the same port, as an operator's restart would. */
    public static synchronized void restart() throws IOException {
        url();
        server.stop();
        server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").build();
        server.start();
    }
}
