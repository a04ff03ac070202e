package dev.steward.devstack;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Makes a fresh dev stack usable through the app's own admin REST API, as alice (realm role steward-admin): the
 * workspace {@code default} and an API key for it. Idempotent: runs on every dev start.
 */
final class DevProvisioner {
    static final String WORKSPACE = "default";
    static final String ADMIN_USER = "alice";

    /** @param apiKey null when it could not be had; {@code problem} then says why */
    record Result(String apiKey, String problem) {
    }

    private final Endpoints endpoints;
    private final KeycloakTokens tokens;
    private final Progress progress;

    DevProvisioner(Endpoints endpoints, Progress progress) {
        this.endpoints = endpoints;
        this.tokens = new KeycloakTokens(endpoints);
        this.progress = progress;
    }

    /** @param savedKey the key of the previous start (dev.env), kept if the app still accepts it */
    Result provision(String savedKey) {
        try {
            String bearer = tokens.accessToken(ADMIN_USER, ADMIN_USER);
            ensureWorkspace(bearer);
            if (savedKey != null && keyWorks(savedKey)) {
                progress.say("API key from .steward/dev.env still works; keeping it");
                return new Result(savedKey, null);
            }
            return new Result(createKey(bearer), null);
        } catch (RuntimeException e) {
            return new Result(null, e.getMessage());
        }
    }

    private void ensureWorkspace(String bearer) {
        String url = endpoints.appUrl() + "/api/admin/workspaces/" + WORKSPACE;
        Http.Response existing = Http.get(url, bearer);
        if (existing.status() == 200) {
            progress.say("Workspace '%s' exists", WORKSPACE);
            return;
        }
        if (existing.status() != 404) {
            throw new StackException("GET " + url + " -> " + existing.describe());
        }
        String createUrl = endpoints.appUrl() + "/api/admin/workspaces";
        String body = Json.createObjectBuilder().add("slug", WORKSPACE).add("name", "Default workspace").build()
                .toString();
        Http.Response created = Http.postJson(createUrl, bearer, body);
        if (!created.ok()) {
            throw new StackException("POST " + createUrl + " " + body + " -> " + created.describe());
        }
        progress.say("Workspace '%s' created", WORKSPACE);
    }

    private boolean keyWorks(String key) {
        String url = endpoints.workspaceApiUrl(WORKSPACE) + "/variables/count";
        return Http.postJson(url, key, "{}").status() == 200;
    }

    private String createKey(String bearer) {
        Http.Response r = postKey(bearer, "dev");
        if (r.status() == 409) {
            // a key named "dev" is left from an earlier start whose dev.env is gone: keys are shown only once
            r = postKey(bearer, "dev-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        String url = endpoints.appUrl() + "/api/admin/workspaces/" + WORKSPACE + "/api-keys";
        if (!r.ok()) {
            throw new StackException("POST " + url + " -> " + r.describe());
        }
        JsonObject json = KeycloakTokens.parse(r.body());
        if (!json.containsKey("key")) {
            throw new StackException("POST " + url + " answered " + r.status() + " without a 'key': " + r.body());
        }
        progress.say("API key '%s' created (role developer)", json.getString("name", "dev"));
        return json.getString("key");
    }

    private Http.Response postKey(String bearer, String name) {
        String url = endpoints.appUrl() + "/api/admin/workspaces/" + WORKSPACE + "/api-keys";
        String body = Json.createObjectBuilder().add("name", name).add("role", "developer").build().toString();
        return Http.postJson(url, bearer, body);
    }
}
