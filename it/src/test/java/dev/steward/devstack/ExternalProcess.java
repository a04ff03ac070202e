package dev.steward.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A server process we started (Keycloak, Payara Micro). Its output goes to a log file; it is stopped through its own
 * {@link Process} handle, i.e. by PID, never by name.
 */
final class ExternalProcess {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more).*");

    private final String name;
    private final Process process;
    private final Path log;

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ExternalProcess start(String name, List<String> command, Path workDir, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process process = pb.start();
            process.getOutputStream().close(); // no input: reading stdin sees end of file
            return new ExternalProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash would end it: no shutdown hooks, nothing flushed. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(process.toHandle(), System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Polls {@code url} until it answers 200; fails early (with the log's tail) when the process dies. */
    void awaitHttpOk(String url, Duration timeout) {
        int[] last = {-1};
        awaitCondition(() -> (last[0] = Http.status(url)) == 200,
                () -> "GET " + url + " answered 200 (last answer: " + (last[0] < 0 ? "none" : last[0]) + ")", timeout);
    }

    /** Polls {@code ready} until true; fails early (with the log's tail) when the process dies. */
    void awaitCondition(BooleanSupplier ready, Supplier<String> what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure(name + " exited with code " + process.exitValue() + " before " + what.get());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure(name + " not ready after " + timeout.toSeconds() + " s (waited until " + what.get()
                        + ")");
            }
            sleep(300);
        }
    }

    /** An exception whose message ends with the last lines of the log. */
    StackException failure(String message) {
        return new StackException(message + "\n--- last lines of " + log + " ---\n" + tail(40));
    }

    /**
     * SIGTERM, wait up to {@code grace}, then SIGKILL. The children (kc.sh runs Keycloak's JVM as a child) are listed
     * before the parent goes, since afterwards they can no longer be found from it.
     */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        waitFor(process.toHandle(), deadline);
        tree.forEach(child -> waitFor(child, deadline));
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(process.toHandle(), System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
    }

    /** The last lines of the log (see {@link #logLines()}). */
    String tail(int lines) {
        List<String> all = logLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * The log for people: without colour codes and without stack frames ("at ...", "... 69 more"), which would
     * crowd out everything else.
     */
    List<String> logLines() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(line -> !STACK_FRAME.matcher(line).matches())
                    .map(line -> ANSI.matcher(line).replaceAll(""))
                    .toList();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e + ")");
        }
    }

    private static void waitFor(ProcessHandle handle, long deadlineNanos) {
        while (handle.isAlive() && System.nanoTime() < deadlineNanos) {
            sleep(100);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
