package dev.steward.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size from {@code /proc/<pid>/status} (Linux; 0 elsewhere). */
final class Rss {
    private Rss() {
    }

    static long ofKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or this is not Linux
        }
        return 0;
    }

    /** The process plus all its descendants (PostgreSQL's backends, Keycloak's JVM under kc.sh). */
    static long ofTreeKb(long pid) {
        return ProcessHandle.of(pid)
                .map(p -> ofKb(pid) + p.descendants().mapToLong(d -> ofKb(d.pid())).sum())
                .orElse(0L);
    }
}
