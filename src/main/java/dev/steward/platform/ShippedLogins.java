package dev.steward.platform;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Asks Keycloak whether the logins this repository ships still work: its bootstrap admin ({@code admin}/{@code admin}
 * in realm {@code master}) and the dev realm's demo users ({@code alice}/{@code alice}, a platform admin, and
 * {@code bob}/{@code bob}). A password grant is tried for each; what matters is not that a user with that name
 * exists but that anyone can sign in with a published password, and that needs no admin credential in Steward.
 * Each refused try is one failed login in Keycloak's event log and brute-force count.
 */
public final class ShippedLogins {
    public enum Outcome { WORKS, REFUSED, UNKNOWN }

    /** One login and what Keycloak said to it; {@code detail} explains an UNKNOWN, never holds the password. */
    public record Check(String login, Outcome outcome, String detail) {}

    /** A published user and password in a realm, tried with each client in turn until one can judge. */
    public record Login(String description, String realm, String user, String password, List<Client> clients) {}

    public record Client(String id, String secret) {}

    // public, with password grants on in every realm unless an operator turned them off
    private static final Client ADMIN_CLI = new Client("admin-cli", null);

    private ShippedLogins() {}

    /** The shipped logins for the Keycloak behind {@code providerUri} ({@code <base>/realms/<realm>}). */
    public static List<Login> of(String providerUri, String clientId, String clientSecret) {
        String realm = realmOf(providerUri);
        List<Client> realmClients = List.of(ADMIN_CLI, new Client(clientId, clientSecret));
        return List.of(
                new Login("Keycloak's bootstrap admin 'admin' (realm master)", "master", "admin", "admin",
                        List.of(ADMIN_CLI)),
                new Login("demo user 'alice' (realm " + realm + ")", realm, "alice", "alice", realmClients),
                new Login("demo user 'bob' (realm " + realm + ")", realm, "bob", "bob", realmClients));
    }

    /**
     * Tries each login; while Keycloak does not answer (it may still be starting beside us) it is asked again until
     * {@code wait} has passed.
     */
    public static List<Check> check(String providerUri, List<Login> logins, Duration wait) {
        String base = baseOf(providerUri);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Instant deadline = Instant.now().plus(wait);
        List<Check> checks = new ArrayList<>();
        for (Login login : logins) {
            if (base == null) {
                checks.add(new Check(login.description(), Outcome.UNKNOWN,
                        "the OIDC provider URI " + providerUri + " is not Keycloak's <base>/realms/<realm>"));
                continue;
            }
            checks.add(check(http, base, login, deadline));
        }
        return checks;
    }

    private static Check check(HttpClient http, String base, Login login, Instant deadline) {
        String tokenUrl = base + "/realms/" + login.realm() + "/protocol/openid-connect/token";
        List<String> unknown = new ArrayList<>();
        for (Client client : login.clients()) {
            Answer answer = tryLogin(http, tokenUrl, client, login, deadline);
            if (answer.outcome() != Outcome.UNKNOWN) {
                return new Check(login.description(), answer.outcome(), answer.detail());
            }
            unknown.add("client " + client.id() + ": " + answer.detail());
        }
        return new Check(login.description(), Outcome.UNKNOWN, String.join("; ", unknown));
    }

    record Answer(Outcome outcome, String detail) {}

    private static Answer tryLogin(HttpClient http, String tokenUrl, Client client, Login login, Instant deadline) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", client.id());
        if (client.secret() != null) form.put("client_secret", client.secret());
        form.put("username", login.user());
        form.put("password", login.password());
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))))
                .build();
        String lastProblem;
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 500) {
                    return judge(response.statusCode(), response.body(), tokenUrl);
                }
                lastProblem = "HTTP " + response.statusCode() + " from " + tokenUrl;
            } catch (IOException e) {
                lastProblem = "no answer from " + tokenUrl + " (" + e.getClass().getSimpleName() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(Outcome.UNKNOWN, "interrupted");
            }
            if (Instant.now().plusSeconds(2).isAfter(deadline)) {
                return new Answer(Outcome.UNKNOWN, lastProblem);
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(Outcome.UNKNOWN, "interrupted");
            }
        }
    }

    /** Keycloak's token endpoint: a token, or {@code {"error": ..., "error_description": ...}}. */
    static Answer judge(int status, String body, String tokenUrl) {
        if (status == 200) {
            return new Answer(Outcome.WORKS, "signed in");
        }
        String error = "";
        String description = "";
        try {
            JsonObject o = Json.createReader(new StringReader(body)).readObject();
            error = o.getString("error", "");
            description = o.getString("error_description", "");
        } catch (RuntimeException e) {
            // not Keycloak's error shape: reported below with the status
        }
        if (error.equals("invalid_grant")) {
            // right password, setup pending: whoever knows it may finish the setup in the browser
            if (description.contains("not fully set up")) {
                return new Answer(Outcome.WORKS, description);
            }
            return new Answer(Outcome.REFUSED, description);
        }
        return new Answer(Outcome.UNKNOWN, "HTTP " + status + " from " + tokenUrl
                + (error.isEmpty() ? "" : " (" + error + (description.isEmpty() ? "" : ": " + description) + ")"));
    }

    /** {@code http://kc/realms/steward/} gives {@code http://kc}, or null if it is not a Keycloak realm URI. */
    static String baseOf(String providerUri) {
        int i = providerUri == null ? -1 : providerUri.lastIndexOf("/realms/");
        return i <= 0 ? null : providerUri.substring(0, i);
    }

    static String realmOf(String providerUri) {
        int i = providerUri == null ? -1 : providerUri.lastIndexOf("/realms/");
        if (i < 0) return "?";
        String realm = providerUri.substring(i + "/realms/".length());
        return realm.endsWith("/") ? realm.substring(0, realm.length() - 1) : realm;
    }
}
