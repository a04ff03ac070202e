package dev.steward.platform;

import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.UUID;

/**
 * The one reader of UUIDs in requests: resources take {@code @PathParam UUID id} and {@code @QueryParam UUID x}, and
 * bodies read theirs through {@link Body} with {@link #parse}. A malformed id in a path names nothing, so it is a 404,
 * as an unknown one is; a malformed query parameter is a 422 at {@code ["query", name]}, in FastAPI's shape.
 */
@Provider
public class UuidParameters implements ParamConverterProvider {

    /**
     * The UUID a text holds in its canonical form (36 characters), if it is one: Java's own parser also takes short
     * forms such as {@code 1-1-1-1-1}, which would name another object than the text reads as.
     */
    public static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) return Optional.empty();
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != UUID.class) return null;
        String query = null;
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) query = q.value();
        }
        String queryName = query;
        return (ParamConverter<T>) new ParamConverter<UUID>() {
            @Override
            public UUID fromString(String text) {
                if (text == null) return null;
                return parse(text).orElseThrow(() -> queryName != null
                        ? InvalidInput.parameter("query", queryName, "Input should be a valid UUID", "uuid_parsing")
                        : new NotFound("Not Found"));
            }

            @Override
            public String toString(UUID value) {
                return value.toString();
            }
        };
    }
}
