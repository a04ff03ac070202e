package dev.steward.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Payara Micro running the Steward WAR at context root {@code /}, configured only by environment variables. */
final class PayaraService {
    // Payara Micro binds all interfaces and starts Hazelcast on *:6900 even with --nocluster; these turn both off
    private static final String PREBOOT = """
            set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1
            set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false
            """;
    // a redirect to the login page or a refusal: the probe met the app's security, not the health checks
    private static final Set<Integer> INTERCEPTED = Set.of(302, 303, 401, 403);
    private static final Pattern CONTEXT_ROOT = Pattern.compile("\"Context Root\": \"([^\"]*)\"");

    private ExternalProcess process;
    private boolean stopped;

    synchronized void launch(Path payaraJar, Path war, int port, Path rootDir, Map<String, String> env, Path log) {
        if (stopped) {
            throw new StackException("Payara Micro: the stack is stopping");
        }
        try {
            // fresh every boot: Payara re-extracts its runtime anyway, and no old deployment may linger
            FileTree.delete(rootDir);
            Files.createDirectories(rootDir);
            Path preboot = rootDir.resolveSibling(rootDir.getFileName() + "-preboot.txt");
            Files.writeString(preboot, PREBOOT);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // a fixed 2 GB heap: at 700 MB, G1 kept it near 350 MB and ran a marking cycle every 10 s
                    // under load, each with a 25-45 ms remark pause that set_state's p99 felt
                    "-Xms2g", "-Xmx2g", "-jar", payaraJar.toString(),
                    "--deploy", war.toString(), "--contextroot", "/",
                    "--port", String.valueOf(port), "--nocluster",
                    "--rootDir", rootDir.toString(), "--prebootcommandfile", preboot.toString());
            process = ExternalProcess.start("Payara Micro", command, rootDir, env, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ready when MicroProfile Health says so (it answers 404/503 while the WAR deploys) and Payara's start summary
     * shows the WAR at context root {@code /}: a WAR that failed to deploy leaves Payara running (health 503).
     *
     * <p>Payara serves {@code /health} inside the application at context root {@code /}, so the app's own login
     * applies to it. If that login redirects or refuses the probe, the health checks cannot be asked: then Payara's
     * start summary alone decides, with a warning saying how to fix the app.
     */
    void awaitReady(int port, Duration timeout, Progress progress) {
        String health = "http://127.0.0.1:" + port + "/health/ready";
        int[] last = {-1};
        process.awaitCondition(() -> {
            last[0] = Http.status(health);
            if (last[0] == 200) {
                return true;
            }
            if (!started()) {
                return false; // still deploying
            }
            requireDeployedAtRoot(); // a WAR that failed to deploy never turns healthy: fail now, not at the timeout
            return INTERCEPTED.contains(last[0]);
        }, () -> "GET " + health + " answered 200 (last answer: " + (last[0] < 0 ? "none" : last[0]) + ")", timeout);
        if (last[0] != 200) {
            progress.say("WARNING: %s answers %d instead of 200: the app's login intercepts MicroProfile Health, so"
                    + " its readiness checks were not asked. Fix in the app: a web.xml security-constraint for"
                    + " /health/* without auth-constraint, and no OIDC login for /health in the auth mechanism.",
                    health, last[0]);
        }
        process.awaitCondition(this::started, () -> "Payara logged its start summary", Duration.ofSeconds(30));
        requireDeployedAtRoot();
    }

    /** Reads the deployed context roots from Payara's start summary; exactly one, {@code /}, is expected. */
    private void requireDeployedAtRoot() {
        List<String> roots = new ArrayList<>();
        Matcher m = CONTEXT_ROOT.matcher(logText());
        while (m.find()) {
            roots.add(m.group(1));
        }
        if (!roots.equals(List.of("/"))) {
            throw process.failure("The WAR is not deployed at context root / (deployed context roots: " + roots
                    + ").\n--- first error in the log ---\n" + firstSevere());
        }
    }

    /** Payara printed its start summary (deployed apps, URLs), which comes after all deployments. */
    private boolean started() {
        return logText().contains("Payara Micro URLs");
    }

    /** Kills Payara Micro with SIGKILL (for crash tests); {@link #launch} may start it again. */
    synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    synchronized void stop() {
        stopped = true;
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }

    ExternalProcess process() {
        return process;
    }

    private String logText() {
        try {
            // lenient decoding: odd bytes never make the log unreadable
            return new String(Files.readAllBytes(process.log()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The first SEVERE record (what went wrong with a deployment), up to 15 lines. */
    private String firstSevere() {
        List<String> lines = process.logLines();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("SEVERE")) {
                return String.join("\n", lines.subList(i, Math.min(lines.size(), i + 15)));
            }
        }
        return "(none)";
    }
}
