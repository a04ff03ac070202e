package dev.steward.devstack;

import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Embedded Redis (codemonstur, redis-server 6.2) on 127.0.0.1, with its append-only file in its directory (fsync
 * every second), so that data survives a restart: the dev stack's across sessions, the test stack's across the
 * restart the cleanup queue's chaos test makes.
 */
final class RedisService {
    private RedisServer server;
    private PrintWriter log;
    private Path pidFile;
    private boolean stopped;
    private int port;
    private Path dir;
    private Path logFile;

    synchronized void start(int port, Path dir, Path logFile) {
        if (stopped) {
            throw new StackException("the stack is stopping");
        }
        this.port = port;
        this.dir = dir;
        this.logFile = logFile;
        try {
            Files.createDirectories(dir);
            pidFile = dir.resolve("redis.pid");
            log = new PrintWriter(new FileWriter(logFile.toFile(), true), true);
            RedisServerBuilder builder = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("dir " + quote(dir))
                    .setting("pidfile " + quote(pidFile))
                    .soutListener(log::println)
                    .serrListener(log::println);
            builder.setting("appendonly yes").setting("appendfsync everysec").setting("save \"\"");
            server = builder.build();
            server.start();
        } catch (IOException e) {
            throw new StackException("Redis did not start on port " + port + " (log: " + logFile + "): " + e, e);
        }
    }

    /** redis-server's PID (its pidfile), 0 when not running. */
    long pid() {
        try {
            return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).trim()) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Stops Redis as an operator's restart would (it flushes its append-only file) and starts it again after
     * {@code down}.
     */
    synchronized void restart(java.time.Duration down) throws InterruptedException {
        if (server == null) {
            throw new StackException("Redis is not running");
        }
        stopServer();
        Thread.sleep(down.toMillis());
        start(port, dir, logFile);
    }

    // SIGTERM: Redis flushes its append-only file before it exits
    // synchronized with start(): a stop that arrives mid-start waits for it, so no server outlives the JVM
    synchronized void stop() {
        stopped = true;
        stopServer();
    }

    private void stopServer() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping Redis: " + e, e);
        } finally {
            server = null;
            log.close();
        }
    }

    private static String quote(Path p) {
        return "\"" + p.toAbsolutePath() + "\"";
    }
}
