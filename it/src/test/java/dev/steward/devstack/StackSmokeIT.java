package dev.steward.devstack;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test stack itself: the pieces answer, and Keycloak's tokens carry what the app relies on. */
class StackSmokeIT {
    private static TestStack stack;

    @BeforeAll
    static void start() {
        stack = TestStack.get();
    }

    @Test
    void keycloakServesTheRealm() {
        Endpoints e = stack.endpoints();
        Http.Response r = Http.get(e.issuer() + "/.well-known/openid-configuration", null);
        assertEquals(200, r.status());
        assertEquals(e.issuer(), KeycloakTokens.parse(r.body()).getString("issuer"));
    }

    @Test
    void aliceIsAdminAndOwnerOfDefault() {
        JsonObject claims = KeycloakTokens.claims(stack.accessToken("alice"));
        assertTrue(strings(claims.get("groups")).containsAll(List.of("steward-user", "steward-admin")),
                claims::toString);
        assertEquals(List.of("/workspaces/default/owner"), strings(claims.get("workspace_groups")));
        assertTrue(strings(claims.get("aud")).contains("steward-console"), claims::toString);
        assertEquals(stack.endpoints().issuer(), claims.getString("iss"));
    }

    @Test
    void bobIsViewerOfDefault() {
        JsonObject claims = KeycloakTokens.claims(stack.accessToken("bob"));
        assertTrue(strings(claims.get("groups")).contains("steward-user"));
        assertFalse(strings(claims.get("groups")).contains("steward-admin"));
        assertEquals(List.of("/workspaces/default/viewer"), strings(claims.get("workspace_groups")));
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThrows(StackException.class, () -> stack.tokens().passwordGrant("alice", "wrong"));
    }

    @Test
    void databaseAcceptsTheAppsLogin() throws Exception {
        Endpoints e = stack.endpoints();
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
             ResultSet rs = c.createStatement().executeQuery("select current_database(), current_user")) {
            assertTrue(rs.next());
            assertEquals("steward", rs.getString(1));
            assertEquals("steward", rs.getString(2));
        }
    }

    @Test
    void redisAnswersPing() throws Exception {
        URI redis = URI.create(stack.endpoints().redisUrl());
        try (Socket s = new Socket(redis.getHost(), redis.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("+PONG", in.readLine());
        }
    }

    @Test
    void appAnswersAtContextRoot() {
        // the console redirects to the Keycloak login; anything but 404 means the WAR serves /
        int status = Http.status(stack.appUrl() + "/");
        assertTrue(status > 0 && status != 404, "GET / answered " + status);
    }

    /** A claim that may be one string or an array of strings (Keycloak writes a single audience as a string). */
    private static List<String> strings(JsonValue value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof JsonString s) {
            return List.of(s.getString());
        }
        return value.asJsonArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
