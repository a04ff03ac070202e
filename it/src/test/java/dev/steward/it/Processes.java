package dev.steward.it;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a test driver in another language (Python, Node) with its output in the build log; returns its exit code. */
final class Processes {
    private Processes() {}

    static int run(List<String> command, Map<String, String> env, long timeoutMinutes) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(new File(System.getProperty("steward.basedir", ".")))
                .inheritIO();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeoutMinutes + " minutes");
        }
        return p.exitValue();
    }
}
