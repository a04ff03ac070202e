package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import java.lang.annotation.Annotation;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidParametersTest {
    private static final UUID ID = UUID.fromString("0b6e1c9e-5f0a-4c43-9d3c-1a2b3c4d5e6f");

    @Test
    void onlyTheCanonicalFormIsAnId() {
        assertEquals(Optional.of(ID), UuidParameters.parse(ID.toString()));
        assertEquals(Optional.empty(), UuidParameters.parse("1-1-1-1-1"), "Java's short form names another id");
        assertEquals(Optional.empty(), UuidParameters.parse("not-a-uuid"));
        assertEquals(Optional.empty(), UuidParameters.parse(null));
    }

    @Test
    void aMalformedPathIdIsNotFoundAndAMalformedQueryIdIsInvalid() {
        ParamConverter<UUID> path = converter(pathParam());
        assertEquals(ID, path.fromString(ID.toString()));
        assertThrows(NotFound.class, () -> path.fromString("x"));

        ParamConverter<UUID> query = converter(queryParam());
        InvalidInput e = assertThrows(InvalidInput.class, () -> query.fromString("x"));
        assertEquals("query.flow_run_id: Input should be a valid UUID", e.summary());
        assertNull(query.fromString(null));
        assertNull(new UuidParameters().getConverter(String.class, String.class, new Annotation[0]), "other types are not ours");
    }

    private static ParamConverter<UUID> converter(Annotation a) {
        return new UuidParameters().getConverter(UUID.class, UUID.class, new Annotation[] {a});
    }

    private static PathParam pathParam() {
        return new PathParam() {
            public String value() { return "id"; }
            public Class<? extends Annotation> annotationType() { return PathParam.class; }
        };
    }

    private static QueryParam queryParam() {
        return new QueryParam() {
            public String value() { return "flow_run_id"; }
            public Class<? extends Annotation> annotationType() { return QueryParam.class; }
        };
    }
}
