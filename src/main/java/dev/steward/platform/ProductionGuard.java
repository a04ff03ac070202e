package dev.steward.platform;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Production refuses shipped defaults. With {@code steward.profile=prod} ({@code STEWARD_PROFILE}, which
 * docker/Dockerfile sets) the deployment fails, naming each offending setting and never its value, when the database
 * password or the OIDC client secret is a value this repository ships, or Keycloak still accepts a shipped login (its
 * bootstrap admin, the dev realm's demo users; see {@link ShippedLogins}). The default profile {@code dev} is what
 * {@code bin/steward dev} and the tests run, where the shipped values are the point.
 */
@ApplicationScoped
public class ProductionGuard {
    private static final Logger LOG = Logger.getLogger(ProductionGuard.class.getName());

    static final String PROFILE = "steward.profile";
    static final String KEYCLOAK_CHECK = "steward.production.keycloak-check";
    static final String KEYCLOAK_WAIT = "steward.production.keycloak-wait-seconds";
    static final String PROVIDER_URI = "steward.oidc.provider.uri";
    static final String CLIENT_ID = "steward.oidc.client.id";
    static final String CLIENT_SECRET = "steward.oidc.client.secret";

    /**
     * Every value this repository ships for a secret setting: META-INF/microprofile-config.properties, the old
     * docker/compose.yaml, the dev stack (it/src/test/java/dev/steward/devstack) and the dev realm.
     */
    static final Map<String, Set<String>> SHIPPED_SECRETS = Map.of(
            "steward.db.password", Set.of("steward"),
            CLIENT_SECRET, Set.of("steward-console-secret"));

    private static final List<String> READ = List.of(PROFILE, KEYCLOAK_CHECK, KEYCLOAK_WAIT, PROVIDER_URI, CLIENT_ID,
            CLIENT_SECRET, "steward.db.password");

    // before every other start-up bean: nothing (not even the schema migration) runs on refused settings
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class)
                 Object ignored) {
        Config config = ConfigProvider.getConfig();
        Map<String, String> settings = new HashMap<>();
        for (String name : READ) {
            config.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name, v));
        }
        Optional<String> refusal = refusal(settings, () -> ShippedLogins.check(settings.get(PROVIDER_URI),
                ShippedLogins.of(settings.get(PROVIDER_URI), settings.get(CLIENT_ID), settings.get(CLIENT_SECRET)),
                Duration.ofSeconds(Long.parseLong(settings.getOrDefault(KEYCLOAK_WAIT, "300")))));
        if (refusal.isPresent()) {
            LOG.severe(refusal.get());
            throw new IllegalStateException(refusal.get());
        }
        LOG.info("Profile " + profile(settings) + (isProduction(settings)
                ? ": no shipped default found" : ": shipped defaults allowed (only bin/steward dev and the tests should run this profile)"));
    }

    static String profile(Map<String, String> settings) {
        return settings.getOrDefault(PROFILE, "prod").trim().toLowerCase(Locale.ROOT);
    }

    static boolean isProduction(Map<String, String> settings) {
        return profile(settings).equals("prod");
    }

    /**
     * Why this start must be refused, or empty. A function of the settings (property name to value) and of what
     * Keycloak says to the shipped logins, asked only in production.
     */
    static Optional<String> refusal(Map<String, String> settings, Supplier<List<ShippedLogins.Check>> logins) {
        String profile = profile(settings);
        if (profile.equals("dev")) {
            return Optional.empty();
        }
        if (!profile.equals("prod")) {
            // a typo must not switch the checks off
            return Optional.of("steward.profile (STEWARD_PROFILE) must be dev or prod, not '" + profile + "'");
        }
        List<String> problems = new ArrayList<>();
        SHIPPED_SECRETS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String value = settings.get(e.getKey());
            if (value != null && e.getValue().contains(value)) {
                problems.add(e.getKey() + " (" + envName(e.getKey()) + ") is a shipped default: set your own");
            }
        });
        if ("false".equalsIgnoreCase(settings.get(KEYCLOAK_CHECK))) {
            LOG.warning(KEYCLOAK_CHECK + " is false: Keycloak's shipped logins (admin, alice, bob) were not tried");
        } else {
            for (ShippedLogins.Check check : logins.get()) {
                switch (check.outcome()) {
                    case WORKS -> problems.add(check.login() + " signs in with its published password: "
                            + (check.login().startsWith("demo")
                            ? "delete the user (import a realm without the demo users)"
                            : "change the password (KC_BOOTSTRAP_ADMIN_PASSWORD only sets it on Keycloak's first"
                            + " start)"));
                    case UNKNOWN -> problems.add("could not ask Keycloak whether " + check.login() + " signs in with"
                            + " its published password (" + check.detail() + "); if Keycloak cannot be asked from"
                            + " here, check by hand and set " + envName(KEYCLOAK_CHECK) + "=false");
                    case REFUSED -> { }
                }
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Steward refuses to start with STEWARD_PROFILE=prod while shipped defaults are in use:\n  - "
                + String.join("\n  - ", problems));
    }

    /** MicroProfile Config's environment variable for a property: {@code steward.db.password} is STEWARD_DB_PASSWORD. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
