package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The app server's threads from a thread dump ({@code jcmd <pid> Thread.print}; the stack runs on this machine), to
 * tell a thread a connection holds from one a pool keeps: only a thread with a frame of Steward's code in its stack
 * ({@code dev.steward.}) can be held by a Steward connection. A container pool's idle workers (Grizzly keeps its HTTP
 * workers for many minutes after a burst) have none, so the count does not depend on how big the pools grew.
 */
final class AppThreads {
    private AppThreads() {}

    /** One thread of a dump: its name, state and stack. */
    record Dumped(String name, String text) {
        boolean inSteward() {
            return text.contains("\tat dev.steward.");
        }
    }

    static List<Dumped> dump() throws IOException, InterruptedException {
        long pid = TestStack.get().stack().pids().get("Payara Micro");
        // the jcmd of the JDK that runs Payara, when it has one
        Path jcmd = ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(Path::of)
                .map(java -> java.resolveSibling("jcmd")).filter(Files::isExecutable).orElse(Path.of("jcmd"));
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("jcmd failed: " + out);
        List<Dumped> threads = new ArrayList<>();
        for (String block : out.split("\n\n")) {
            if (block.startsWith("\"")) threads.add(new Dumped(block.substring(1, block.indexOf('"', 1)), block));
        }
        return threads;
    }

    /** The threads in Steward's code now. */
    static List<Dumped> inSteward() throws IOException, InterruptedException {
        return dump().stream().filter(Dumped::inSteward).toList();
    }

    /**
     * The fewest threads in Steward's code over a few dumps: at rest these are its long-lived listeners (the Redis
     * subscriptions); a background round that runs every second may be caught in one dump, not in all.
     */
    static int baseline() throws IOException, InterruptedException {
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            fewest = Math.min(fewest, inSteward().size());
            Thread.sleep(200);
        }
        return fewest;
    }

    /** Waits until at most {@code baseline} threads are in Steward's code; on failure, shows their stacks. */
    static void assertSettle(int baseline, String after) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Dumped> now = inSteward();
        while (now.size() > baseline && System.nanoTime() < deadline) {
            Thread.sleep(500);
            now = inSteward();
        }
        if (now.size() <= baseline) return;
        StringBuilder stacks = new StringBuilder();
        for (Dumped t : now) stacks.append("\n").append(t.text(), 0, Math.min(t.text().length(), 3000));
        assertTrue(false, now.size() + " threads are in Steward's code (at most " + baseline + " expected) after " + after
                + "; all threads by name: " + byName(dump()) + stacks);
    }

    /** Thread counts by name, numbers folded, e.g. {@code http-thread-pool::http-listener(#)=27}. */
    static Map<String, Integer> byName(List<Dumped> threads) {
        Map<String, Integer> names = new TreeMap<>();
        for (Dumped t : threads) names.merge(t.name().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        return names;
    }
}
