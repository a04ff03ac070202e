package dev.steward.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keycloak from the distribution zip, in dev mode ({@code start-dev}, its own H2 file database under {@code data/}).
 * The unpacked folder is kept: Keycloak's first start builds an optimized runtime into it (1-3 minutes on two busy
 * cores), later starts take 20-45 s as long as the build-time options below ({@code --health-enabled}) never change.
 * Realm users: alice / alice (steward-admin, owner of workspace default), bob / bob (viewer).
 */
final class KeycloakService {
    static final String REALM = "steward";
    static final String CLIENT_ID = "steward-console";
    static final String CLIENT_SECRET = "steward-console-secret";
    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "admin";
    static final String APP_URL_PLACEHOLDER = "@APP_URL@";

    private final Path home;
    private ExternalProcess process;
    private boolean stopped;

    KeycloakService(Path home) {
        this.home = home;
    }

    /**
     * Unpacks the zip unless the same version is already there, and puts the realm file (redirect URIs pointing at
     * {@code appUrl}) into {@code data/import}.
     *
     * @param freshRealm true: drop Keycloak's database so the realm is imported anew (tests); false: keep it, unless
     *                   the rendered realm file changed (a realm that exists is never re-imported)
     */
    void prepare(Path zip, Path realmTemplate, String appUrl, boolean freshRealm, Progress progress) {
        try {
            unpack(zip, progress);
            String realm = Files.readString(realmTemplate).replace(APP_URL_PLACEHOLDER, appUrl);
            Path importFile = home.resolve("data/import/" + REALM + "-realm.json");
            if (freshRealm) {
                FileTree.delete(home.resolve("data"));
            } else if (Files.exists(importFile) && !Files.readString(importFile).equals(realm)) {
                progress.say("Keycloak: the realm file changed, re-importing realm '%s' (changes made in Keycloak"
                        + " itself are reset)", REALM);
                FileTree.delete(home.resolve("data/h2"));
            }
            Files.createDirectories(importFile.getParent());
            Files.writeString(importFile, realm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void launch(int port, int managementPort, Path log) {
        if (stopped) {
            throw new StackException("Keycloak: the stack is stopping");
        }
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port,
                // a fixed hostname: otherwise the token issuer follows the request's Host and JWT checks fail
                "--hostname=http://127.0.0.1:" + port,
                "--http-management-port=" + managementPort,
                "--health-enabled=true", "--import-realm");
        Map<String, String> env = Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER,
                "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "KC_LOG_CONSOLE_COLOR", "false");
        process = ExternalProcess.start("Keycloak", command, home, env, log);
    }

    void awaitReady(int port, int managementPort, Duration timeout) {
        process.awaitHttpOk("http://127.0.0.1:" + managementPort + "/health/ready", timeout);
        String discovery = "http://127.0.0.1:" + port + "/realms/" + REALM + "/.well-known/openid-configuration";
        if (Http.status(discovery) != 200) {
            throw process.failure("Keycloak is up but realm '" + REALM + "' is missing (" + discovery
                    + "); the import failed?");
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

    private void unpack(Path zip, Progress progress) throws IOException {
        String wanted = FileTree.readFromZip(zip, "version.txt");
        Path versionFile = home.resolve("version.txt");
        if (Files.exists(home.resolve("bin/kc.sh")) && Files.exists(versionFile)
                && Files.readString(versionFile).equals(wanted)) {
            return;
        }
        Path keptData = home.resolveSibling(home.getFileName() + ".data");
        if (Files.exists(home)) {
            // another version: replace the distribution, keep its database (Keycloak migrates it on start)
            progress.say("Keycloak: replacing %s with %s", home, wanted == null ? zip : wanted.strip());
            FileTree.delete(keptData);
            if (Files.exists(home.resolve("data"))) {
                Files.move(home.resolve("data"), keptData);
            }
            FileTree.delete(home);
        } else {
            progress.say("Keycloak: unpacking %s into %s (first start only; Keycloak then builds itself once, 1-3"
                    + " minutes)", zip.getFileName(), home);
        }
        Files.createDirectories(home.getParent());
        FileTree.unzipStrippingTopFolder(zip, home);
        if (Files.exists(keptData)) {
            Files.move(keptData, home.resolve("data"));
        }
    }
}
