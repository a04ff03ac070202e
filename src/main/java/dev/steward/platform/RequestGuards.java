package dev.steward.platform;

import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.TooLarge;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.input.BoundedInputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits every REST request is held to, once for all of /api (WebSocket frames have limits of their own): the body's
 * size, and no NUL character in the body, the path or the query, since PostgreSQL cannot store one.
 */
public final class RequestGuards {
    private RequestGuards() {}

    /**
     * A body over {@code steward.max-request-bytes} is a 413, whether its Content-Length says so up front or a chunked
     * body grows past it while read (then nothing more of it is read).
     */
    @Provider
    @Priority(Priorities.ENTITY_CODER)
    public static class BodySizeLimit implements ReaderInterceptor {
        @Inject
        @ConfigProperty(name = "steward.max-request-bytes", defaultValue = "16777216")
        long maxBytes;

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            String length = context.getHeaders().getFirst(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parseLength(length) > maxBytes) throw tooLarge();
            // one byte past the limit is read, to tell a body of exactly the limit from a longer one
            context.setInputStream(BoundedInputStream.builder()
                    .setInputStream(context.getInputStream())
                    .setMaxCount(maxBytes + 1)
                    .setOnMaxCount((max, count) -> {
                        throw tooLarge();
                    })
                    .get());
            return context.proceed();
        }

        private static long parseLength(String length) {
            try {
                return Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return -1; // the container refuses a malformed length itself
            }
        }

        private Problem tooLarge() {
            return new TooLarge("The request body is larger than the limit of " + maxBytes
                    + " bytes (steward.max-request-bytes)");
        }
    }

    /**
     * A NUL character (U+0000) in a JSON body's string or key, a path parameter or a query parameter is a 422 naming
     * where it is. Runs before the workspace gate, which looks the path's workspace up. (Payara's HTTP listener already
     * answers an encoded NUL in the path with a 400; the path check stands in case that ever changes.)
     */
    @Provider
    @Priority(Priorities.AUTHENTICATION)
    public static class NoNul implements ContainerRequestFilter, ReaderInterceptor {
        @Override
        public void filter(ContainerRequestContext rc) {
            try {
                refuseNul("path", rc.getUriInfo().getPathParameters());
                refuseNul("query", rc.getUriInfo().getQueryParameters());
            } catch (Problem e) {
                rc.abortWith(ErrorMappers.response(e));
            }
        }

        private static void refuseNul(String in, MultivaluedMap<String, String> parameters) {
            for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
                boolean bad = p.getKey().indexOf('\0') >= 0;
                for (String value : p.getValue()) bad |= value != null && value.indexOf('\0') >= 0;
                if (bad) throw InvalidInput.at(List.of(in, p.getKey().replace("\0", "\\u0000")),
                        Body.NUL_MESSAGE, "string_type");
            }
        }

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            Object entity = context.proceed();
            if (entity instanceof String text) Body.refuseNul(text, "body");
            return entity;
        }
    }
}
