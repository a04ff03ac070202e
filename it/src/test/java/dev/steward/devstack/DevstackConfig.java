package dev.steward.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The files the stack runs, as the build left them: read from {@code devstack.properties}, a test resource that
 * Maven filters (paths under {@code target/}). The system property {@code steward.war} (set by failsafe) overrides
 * the WAR.
 */
public record DevstackConfig(Path basedir, Path payaraJar, Path keycloakZip, Path war, Path realmTemplate) {

    public static DevstackConfig load() {
        Properties p = new Properties();
        try (InputStream in = DevstackConfig.class.getResourceAsStream("/devstack.properties")) {
            if (in == null) {
                throw new StackException("devstack.properties is not on the classpath: run ./mvnw -DskipTests package");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String war = System.getProperty("steward.war", p.getProperty("war"));
        return new DevstackConfig(path(p.getProperty("basedir")), path(p.getProperty("payara.jar")),
                path(p.getProperty("keycloak.zip")), path(war), path(p.getProperty("realm")));
    }

    /** Fails with one message naming every missing file, and how to get them. */
    public void requireFiles() {
        List<String> missing = new ArrayList<>();
        for (Path file : List.of(payaraJar, keycloakZip, war, realmTemplate)) {
            if (!Files.isRegularFile(file)) {
                missing.add(file.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StackException("Missing " + String.join(", ", missing)
                    + ". Build first: ./mvnw -DskipTests package");
        }
    }

    private static Path path(String value) {
        if (value == null || value.contains("${")) {
            throw new StackException("devstack.properties was not filtered by Maven (" + value + ")");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
