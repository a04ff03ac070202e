package dev.steward.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the tests: one base URL, one Authorization header, JSON in and out. */
final class Api {
    /**
     * HTTP/1.1, as Prefect's client (httpx) speaks it. The JDK's default upgrades a plain connection to HTTP/2 (h2c),
     * and there a 100 KB body that the server answers without reading (a DELETE, a pause) stalls at HTTP/2's 64 KB
     * flow-control window until the client's timeout; over HTTP/1.1 the same requests are answered in milliseconds.
     */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;
    private final String authorization;

    Api(String base, String authorization) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.authorization = authorization;
    }

    static Api bearer(String base, String token) {
        return new Api(base, "Bearer " + token);
    }

    Api withAuthorization(String header) {
        return new Api(base, header);
    }

    Api at(String path) {
        return new Api(base + path, authorization);
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonValue json() {
            if (body == null || body.isBlank()) return JsonValue.NULL;
            return Json.createReader(new StringReader(body)).readValue();
        }

        JsonObject object() {
            return json().asJsonObject();
        }

        JsonArray array() {
            return json().asJsonArray();
        }

        String detail() {
            JsonValue v = json();
            return v instanceof JsonObject o && o.containsKey("detail") ? o.get("detail").toString() : String.valueOf(v);
        }

        Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, json);
    }

    Reply patch(String path, String json) {
        return send("PATCH", path, json);
    }

    Reply put(String path, String json) {
        return send("PUT", path, json);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        b.header("User-Agent", "steward-it");
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(method + " " + base + path + " failed: " + e, e);
        }
    }
}
