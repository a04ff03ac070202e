package dev.steward.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test driver in another language (Python, Node) and returns its exit code. Its output is copied line by line
 * through System.out: written straight to the inherited stream it would corrupt failsafe's channel and be lost.
 */
final class Processes {
    private Processes() {}

    static int run(List<String> command, Map<String, String> env, long timeoutMinutes) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(new File(System.getProperty("steward.basedir", ".")))
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread copier = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) System.out.println(line);
            } catch (Exception ignored) {
                // the process ended
            }
        }, "output of " + command.get(command.size() - 1));
        copier.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeoutMinutes + " minutes");
        }
        copier.join(5000);
        return p.exitValue();
    }
}
