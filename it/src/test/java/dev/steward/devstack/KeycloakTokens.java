package dev.steward.devstack;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens from the stack's Keycloak by the password grant (client {@code steward-console} has direct access
 * grants enabled), as Bearer tokens for the app's REST API. Tokens are cached per user until shortly before they
 * expire, so tests may ask for one per request.
 */
public final class KeycloakTokens {
    private record Cached(String token, long expiresAtMillis) {
    }

    private final Endpoints endpoints;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public KeycloakTokens(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** A valid access token of {@code username}; fails with Keycloak's answer when the login is refused. */
    public String accessToken(String username, String password) {
        Cached c = cache.get(username);
        if (c != null && System.currentTimeMillis() < c.expiresAtMillis()) {
            return c.token();
        }
        JsonObject response = passwordGrant(username, password);
        String token = response.getString("access_token");
        // renew 30 s early: a token must not expire between this call and the request that carries it
        long lifetime = response.getJsonNumber("expires_in").longValue();
        cache.put(username, new Cached(token, System.currentTimeMillis() + (lifetime - 30) * 1000));
        return token;
    }

    /** The whole token response (access_token, id_token, refresh_token, expires_in, ...), never cached. */
    public JsonObject passwordGrant(String username, String password) {
        Http.Response r = Http.postForm(endpoints.tokenUrl(), Map.of(
                "grant_type", "password",
                "client_id", endpoints.clientId(),
                "client_secret", endpoints.clientSecret(),
                "username", username,
                "password", password,
                "scope", "openid"));
        if (r.status() != 200) {
            throw new StackException("Keycloak refused the password grant for " + username + ": " + r.describe());
        }
        return parse(r.body());
    }

    /** The claims of a JWT (its payload, not verified), e.g. to look at {@code groups} or {@code aud}. */
    public static JsonObject claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT");
        }
        return parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
