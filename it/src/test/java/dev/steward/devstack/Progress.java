package dev.steward.devstack;

import java.io.PrintStream;

/** Prints progress lines with the time since the stack began starting, e.g. {@code [  3.2s] PostgreSQL ready}. */
final class Progress {
    private final PrintStream out;
    private final long t0 = System.nanoTime();

    Progress(PrintStream out) {
        this.out = out;
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    // synchronized: Keycloak and Payara report from different threads
    synchronized void say(String format, Object... args) {
        out.printf("[%5.1fs] %s%n", seconds(), String.format(format, args));
        out.flush();
    }
}
