package dev.steward.platform;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * Why a request cannot be done: the one way services, stores and rules fail a request. Each kind says what went wrong
 * in the domain's words; {@link ErrorMappers} alone turns a kind into an HTTP status, and {@code console.Problems}
 * into a message. The detail is Prefect's {@code detail} (a sentence, or FastAPI's list of {loc, msg, type} for
 * {@link InvalidInput}), so Prefect's client prints it as it would print its own server's. Thrown inside a
 * transaction, it rolls the transaction back: a refused request changes nothing.
 */
public abstract sealed class Problem extends RuntimeException {
    private final JsonValue detail;

    private Problem(JsonValue detail) {
        super(detail.toString(), null, false, false);
        this.detail = detail;
    }

    private Problem(String detail) {
        this(Json.createValue(detail));
    }

    /** Prefect's {@code detail}. */
    public JsonValue detail() {
        return detail;
    }

    /** The detail in one line, e.g. for a WebSocket close reason: a field error as "where.it.is: what". */
    public String summary() {
        if (detail instanceof JsonString s) return s.getString();
        if (detail instanceof JsonArray a && !a.isEmpty() && a.get(0) instanceof JsonObject e) {
            StringBuilder at = new StringBuilder();
            if (e.get("loc") instanceof JsonArray loc) {
                for (JsonValue part : loc) {
                    if (at.length() > 0) at.append('.');
                    at.append(part instanceof JsonString p ? p.getString() : part.toString());
                }
            }
            return at + ": " + e.getString("msg", "invalid");
        }
        return detail.toString();
    }

    /** No caller: no credentials, or ones that are not valid. */
    public static final class NotAuthenticated extends Problem {
        public NotAuthenticated(String detail) {
            super(detail);
        }
    }

    /** A known caller whose role does not allow this. */
    public static final class Forbidden extends Problem {
        public Forbidden(String detail) {
            super(detail);
        }
    }

    /** The object named does not exist (or is not the caller's to see). The detail is the whole sentence. */
    public static final class NotFound extends Problem {
        public NotFound(String detail) {
            super(detail);
        }
    }

    /** The object existed and is gone for good (an expired lease). */
    public static final class Gone extends Problem {
        public Gone(String detail) {
            super(detail);
        }
    }

    /** The change clashes with what is stored: a name taken, a schema the new value breaks. */
    public static final class Conflict extends Problem {
        public Conflict(String detail) {
            super(detail);
        }
    }

    /** A well-formed request the object's state does not allow (Prefect answers these 400). */
    public static final class Rejected extends Problem {
        public Rejected(String detail) {
            super(detail);
        }
    }

    /** A request body larger than the server takes. */
    public static final class TooLarge extends Problem {
        public TooLarge(String detail) {
            super(detail);
        }
    }

    /** The server cannot answer now, but may on a retry (a query cancelled at the statement timeout). */
    public static final class Unavailable extends Problem {
        public Unavailable(String detail) {
            super(detail);
        }
    }

    /**
     * Input that breaks a rule: a sentence, or FastAPI's field errors, each at its location ({@code loc[0]} is
     * {@code body}, {@code query} or {@code path}).
     */
    public static final class InvalidInput extends Problem {
        /** A rule over the whole request, as a sentence. */
        public InvalidInput(String detail) {
            super(detail);
        }

        private InvalidInput(JsonArray errors) {
            super(errors);
        }

        /** A body field that breaks a rule; {@code location} is dotted ({@code state.type}). */
        public static InvalidInput field(String location, String message) {
            return at("body", location, message, "value_error");
        }

        /** A required body field that is absent, as FastAPI reports it. */
        public static InvalidInput missing(String location) {
            return at("body", location, "Field required", "missing");
        }

        /** A path or query parameter ({@code in} is "path" or "query"), in FastAPI's shape. */
        public static InvalidInput parameter(String in, String name, String message, String type) {
            return at(in, name, message, type);
        }

        /** A location given part by part, for parts that may themselves contain dots (a label key, say). */
        public static InvalidInput at(List<String> loc, String message, String type) {
            return new InvalidInput(Json.createArrayBuilder().add(error(Json.createArrayBuilder(loc), message, type))
                    .build());
        }

        /** Several field errors answered at once. */
        public static InvalidInput of(JsonArray errors) {
            return new InvalidInput(errors);
        }

        /** The field errors (empty for a sentence). */
        public List<JsonObject> errors() {
            return detail() instanceof JsonArray a ? a.getValuesAs(JsonObject.class) : List.of();
        }

        private static InvalidInput at(String root, String location, String message, String type) {
            var loc = Json.createArrayBuilder().add(root);
            if (location != null && !location.isEmpty()) {
                for (String part : location.split("\\.")) loc.add(part);
            }
            return new InvalidInput(Json.createArrayBuilder().add(error(loc, message, type)).build());
        }

        private static JsonObject error(jakarta.json.JsonArrayBuilder loc, String message, String type) {
            return Json.createObjectBuilder().add("loc", loc).add("msg", message).add("type", type).build();
        }
    }
}
