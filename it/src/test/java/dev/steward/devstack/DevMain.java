package dev.steward.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/steward dev}: the whole stack with state under {@code <basedir>/.steward/}, provisioned with a workspace
 * and an API key, running until SIGTERM/SIGINT ({@code bin/steward stop} or Ctrl-C).
 *
 * <p>Ports are chosen on the first start and saved in {@code .steward/ports.properties}, so the console URL, the
 * realm's redirect URIs and {@code dev.env} stay valid across restarts.
 */
public final class DevMain {
    private final Path basedir;
    private final Path state;

    private DevMain(Path basedir) {
        this.basedir = basedir;
        this.state = basedir.resolve(".steward");
    }

    /** @param args the repository root; default the working directory */
    public static void main(String[] args) throws Exception {
        Path basedir = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        System.exit(new DevMain(basedir).run());
    }

    private int run() throws IOException, InterruptedException {
        Files.createDirectories(state);
        Path pidFile = state.resolve("steward.pid");
        Long running = runningPid(pidFile);
        if (running != null) {
            System.err.println("The dev stack is already running (pid " + running + "). Stop it: bin/steward stop");
            return 1;
        }
        StackPorts ports = ports();
        if (ports == null) {
            return 1;
        }
        Stack stack = Stack.builder(Stack.Mode.DEV, state).ports(ports).build();
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.stop();
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // nothing left to do on the way out
            }
        }, "dev-stack-stop"));
        try {
            stack.start();
        } catch (RuntimeException e) {
            System.err.println("\nThe dev stack did not start: " + e.getMessage());
            return 1;
        }
        Path envFile = state.resolve("dev.env");
        DevProvisioner.Result provisioned = new DevProvisioner(stack.endpoints(), stack.progress())
                .provision(DevEnvFile.savedApiKey(envFile));
        DevEnvFile.write(envFile, stack.endpoints(), DevProvisioner.WORKSPACE, provisioned.apiKey());
        printSummary(stack, provisioned);
        return watch(stack);
    }

    /** Saved ports if all are free; new free ones on the first start; null (after saying why) if one is taken. */
    private StackPorts ports() throws IOException {
        Path file = state.resolve("ports.properties");
        if (!Files.exists(file)) {
            StackPorts ports = StackPorts.pickForSaving();
            ports.save(file);
            return ports;
        }
        StackPorts ports = StackPorts.load(file);
        List<String> taken = ports.taken();
        if (!taken.isEmpty()) {
            System.err.println("Cannot start: port " + String.join(", ", taken) + " on 127.0.0.1 is in use.\n"
                    + "Another `bin/steward dev`, or a server left over from one that crashed? "
                    + "`ss -ltnp` shows who holds it.\n"
                    + "To pick new ports instead, delete " + basedir.relativize(file) + " (the"
                    + " URLs in dev.env change with them).");
            return null;
        }
        return ports;
    }

    private void printSummary(Stack stack, DevProvisioner.Result provisioned) {
        Endpoints e = stack.endpoints();
        StringBuilder s = new StringBuilder("\n");
        if (provisioned.problem() != null) {
            s.append("Provisioning through the admin API failed (the stack keeps running):\n  ")
                    .append(provisioned.problem().replace("\n", "\n  ")).append("\n\n");
        }
        s.append("Steward is running\n");
        s.append(line("Console", e.appUrl() + "/", "login alice / alice (admin), bob / bob (viewer)"));
        s.append(line("Workspace", DevProvisioner.WORKSPACE, "API " + e.workspaceApiUrl(DevProvisioner.WORKSPACE)));
        s.append(line("API key", provisioned.apiKey() == null ? "(none)" : provisioned.apiKey(), ""));
        s.append(line("Keycloak", e.keycloakUrl() + "/admin/", KeycloakService.ADMIN_USER + " / "
                + KeycloakService.ADMIN_PASSWORD + ", realm " + e.realm()));
        s.append(line("PostgreSQL", e.jdbcUrl(), e.dbUser() + " / " + e.dbPassword()));
        s.append(line("Redis", e.redisUrl(), ""));
        s.append(line("Secrets", basedir.relativize(stack.secretsKeyFile()).toString(),
                "master key of secrets at rest: keep it with the database"));
        s.append(line("Logs", basedir.relativize(stack.logDir()) + "/", ""));
        s.append(line("Shell env", ". " + basedir.relativize(state.resolve("dev.env")), "PREFECT_API_URL, API key"));
        s.append("Stop with Ctrl-C or bin/steward stop.\n");
        System.out.print(s);
        System.out.flush();
    }

    private static String line(String label, String value, String note) {
        return String.format("  %-11s %s%s%n", label, value, note.isEmpty() ? "" : "   (" + note + ")");
    }

    /** Blocks until the JVM is told to stop; ends early (exit 1) if Payara or Keycloak dies on its own. */
    private static int watch(Stack stack) throws InterruptedException {
        while (true) {
            Thread.sleep(2000);
            String dead = stack.deadProcess();
            if (dead != null) {
                System.err.println("\n" + dead + " exited unexpectedly; stopping the stack.");
                return 1;
            }
        }
    }

    /** The PID in steward.pid if that process still runs (a stale file from a crash is ignored). */
    private static Long runningPid(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
                return null;
            }
            // a PID reused by another program after a crash does not count. /proc, since ProcessHandle.Info cuts
            // the command line at 4096 characters, before the class name
            Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
            return !Files.exists(cmdline) || Files.readString(cmdline).contains(DevMain.class.getName()) ? pid : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
