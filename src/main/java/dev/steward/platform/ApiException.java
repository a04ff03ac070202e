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
