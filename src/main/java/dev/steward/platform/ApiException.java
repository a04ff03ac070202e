package dev.steward.platform;

import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response.Status;

/**
 * An answer other than success, with Prefect's body shape {"detail": ...}. Thrown by services and resources and
 * turned into a response by {@link ErrorMappers}; the transaction it leaves is rolled back, so it changes nothing.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final JsonValue detail;

    public ApiException(int status, String detail) {
        this(status, Json.createValue(detail));
    }

    public ApiException(int status, JsonValue detail) {
        super(detail.toString(), null, false, false);
        this.status = status;
        this.detail = detail;
    }

    public int status() { return status; }
    public JsonValue detail() { return detail; }

    /** The detail in one line, e.g. for a WebSocket close reason: a field error as "where.it.is: what". */
    public String summary() {
        if (detail instanceof jakarta.json.JsonString s) return s.getString();
        if (detail instanceof jakarta.json.JsonArray a && !a.isEmpty() && a.get(0) instanceof jakarta.json.JsonObject e) {
            StringBuilder at = new StringBuilder();
            if (e.get("loc") instanceof jakarta.json.JsonArray loc) {
                for (JsonValue part : loc) {
                    if (at.length() > 0) at.append('.');
                    at.append(part instanceof jakarta.json.JsonString p ? p.getString() : part.toString());
                }
            }
            return at + ": " + e.getString("msg", "invalid");
        }
        return detail.toString();
    }

    public static ApiException notFound(String what) {
        return new ApiException(Status.NOT_FOUND.getStatusCode(), what + " not found");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(Status.CONFLICT.getStatusCode(), detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(Status.FORBIDDEN.getStatusCode(), detail);
    }

    /** A 422 in FastAPI's shape: detail is a list of {loc, msg, type}, so Prefect's client prints it as it would. */
    public static ApiException invalid(String location, String message) {
        return invalid(location, message, "value_error");
    }

    /** A required field that is absent, as FastAPI reports it. */
    public static ApiException missing(String location) {
        return invalid(location, "Field required", "missing");
    }

    /** A 422 for a path or query parameter ({@code in} is "path" or "query"), in FastAPI's shape. */
    public static ApiException invalidParameter(String in, String name, String message, String type) {
        return invalid(in, name, message, type);
    }

    /**
     * A 422 in FastAPI's shape at a location given part by part ({@code loc[0]} is "body", "query" or "path"), for
     * parts that may themselves contain dots (a label key, say).
     */
    public static ApiException invalid(java.util.List<String> loc, String message, String type) {
        var error = Json.createObjectBuilder()
                .add("loc", Json.createArrayBuilder(loc))
                .add("msg", message)
                .add("type", type);
        return new ApiException(422, Json.createArrayBuilder().add(error).build());
    }

    private static ApiException invalid(String location, String message, String type) {
        return invalid("body", location, message, type);
    }

    private static ApiException invalid(String root, String location, String message, String type) {
        var loc = Json.createArrayBuilder().add(root);
        if (location != null && !location.isEmpty()) {
            for (String part : location.split("\\.")) loc.add(part);
        }
        var error = Json.createObjectBuilder()
                .add("loc", loc)
                .add("msg", message)
                .add("type", type);
        return new ApiException(422, Json.createArrayBuilder().add(error).build());
    }
}
