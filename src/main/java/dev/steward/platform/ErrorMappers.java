package dev.steward.platform;

import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.Gone;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotAuthenticated;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Problem.Rejected;
import dev.steward.platform.Problem.TooLarge;
import dev.steward.platform.Problem.Unavailable;
import jakarta.annotation.Priority;
import jakarta.transaction.TransactionalException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every error leaves the API as JSON {"detail": ...}; never the container's HTML page. */
public final class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {}

    public static Response response(int status, jakarta.json.JsonValue detail) {
        var body = Json.createObjectBuilder().add("detail", detail);
        if (detail.getValueType() == jakarta.json.JsonValue.ValueType.ARRAY) {
            // field-level validation errors: also Prefect's own names for them, which its client prints
            body.add("exception_message", "Invalid request received.").add("exception_detail", detail);
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body.build().toString())
                .build();
    }

    public static Response response(int status, String detail) {
        return response(status, Json.createValue(detail));
    }

    /** The HTTP status of each kind of problem: the one place where the domain's refusals meet HTTP. */
    public static int status(Problem problem) {
        return STATUS.get(problem.getClass());
    }

    static final Map<Class<? extends Problem>, Integer> STATUS = Map.of(
            Rejected.class, 400, NotAuthenticated.class, 401, Forbidden.class, 403, NotFound.class, 404,
            Conflict.class, 409, Gone.class, 410, TooLarge.class, 413, InvalidInput.class, 422, Unavailable.class, 503);

    /** Prefect's answer to a problem. */
    public static Response response(Problem problem) {
        return response(status(problem), problem.detail());
    }

    /**
     * 423 Locked, with the suggested delay in Retry-After (seconds, fractional as Prefect sends it): the answer to
     * concurrency slots that are all taken, which is an outcome the request commits, not a {@link Problem}.
     */
    public static Response locked(String detail, Double retryAfterSeconds) {
        Response r = response(423, detail);
        if (retryAfterSeconds == null) return r;
        return Response.fromResponse(r)
                .header("Retry-After", String.format(Locale.ROOT, "%.3f", retryAfterSeconds))
                .build();
    }

    @Provider
    public static class ProblemMapper implements ExceptionMapper<Problem> {
        @Override
        public Response toResponse(Problem e) {
            return response(e);
        }
    }

    /** Routing errors of JAX-RS itself: unknown path (404), wrong method (405), unsupported media type (415). */
    @Provider
    public static class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Problem api = findCause(e, Problem.class); // e.g. a body limit hit while JAX-RS read the body
            if (api != null) return response(api);
            int status = e.getResponse().getStatus();
            if (status >= 500) {
                return unexpected(e);
            }
            String reason = e.getResponse().getStatusInfo().getReasonPhrase();
            return response(status, reason == null || reason.isBlank() ? "Request failed" : reason);
        }
    }

    /** A 5xx is a bug: log it with a reference the caller can quote, and say nothing about the internals. */
    @Provider
    public static class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            return mapped(e);
        }
    }

    /**
     * A failure while a {@code @Transactional} method commits arrives as a TransactionalException, for which Jersey
     * has a mapper of its own that ends in the container's HTML error page; this one takes precedence.
     */
    @Provider
    @Priority(1)
    public static class TransactionalExceptionMapper implements ExceptionMapper<TransactionalException> {
        @Override
        public Response toResponse(TransactionalException e) {
            return mapped(e);
        }
    }

    /** PostgreSQL's SQLState for a statement it cancelled: here, one that ran past {@code statement_timeout}. */
    static final String QUERY_CANCELED = "57014";

    /** Anything but a known failure (see {@link #known}) is unexpected. */
    static Response mapped(Throwable e) {
        Problem known = known(e);
        return known != null ? response(known) : unexpected(e);
    }

    /**
     * The answer to a failure that is not a bug, else null: a Problem anywhere in the chain is the answer; a row
     * changed or deleted by a concurrent transaction, or a violated unique or foreign key constraint (SQLState class
     * 23), is a 409; a query the database cancelled at its statement timeout is a 503 (Prefect's client retries those).
     */
    static Problem known(Throwable e) {
        Problem api = findCause(e, Problem.class);
        if (api != null) return api;
        SQLException sql = findCause(e, SQLException.class);
        if (sql != null && QUERY_CANCELED.equals(sql.getSQLState())) {
            LOG.log(Level.WARNING, "A query ran past the statement timeout and was cancelled", e);
            return new Unavailable("The query took too long: the database cancelled it at its statement "
                    + "timeout (" + DataSourceConfig.STATEMENT_TIMEOUT_KEY + "). Try again, or ask for less at a time.");
        }
        if (findCause(e, jakarta.persistence.OptimisticLockException.class) != null
                || findCause(e, org.hibernate.StaleStateException.class) != null) {
            // an update or delete found its row gone or changed by a transaction that committed meanwhile (e.g. a
            // pause racing a delete of the same deployment): the caller's request lost a race, not a bug
            return new Conflict("The object was changed or deleted by another request meanwhile; read it again and retry.");
        }
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
            // the database's message may quote the conflicting values: only its SQLState is logged
            LOG.log(Level.INFO, "Integrity conflict, SQLState " + sql.getSQLState());
            return new Conflict("Data integrity conflict. This usually means a unique or foreign key "
                    + "constraint was violated.");
        }
        return null;
    }

    static Response unexpected(Throwable e) {
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error, reference " + reference, e);
        return response(500, "Internal server error, reference " + reference);
    }

    /** EJB and JTA interceptors wrap exceptions thrown inside a transaction; look through the chain. */
    public static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
            if (t.getCause() == t) break;
        }
        return null;
    }
}
