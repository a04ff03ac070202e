package dev.steward.concurrency;

import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Paging;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.UuidParameters;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Request fields and answers shared by the v2 and v1 slot endpoints. */
final class SlotAnswers {
    private SlotAnswers() {}

    /** {@code names}: required, at least one. */
    static List<String> names(Body body) {
        List<String> names = body.optionalStrings("names").orElseThrow(() -> InvalidInput.missing("names"));
        if (names.isEmpty()) {
            throw InvalidInput.field("names", "List should have at least 1 item after validation, not 0");
        }
        return names;
    }

    /** {@code slots}: a required integer above 0. */
    static int slots(Body body) {
        int slots = requiredInt(body, "slots", Integer.MIN_VALUE);
        if (slots <= 0) throw InvalidInput.field("slots", "Input should be greater than 0");
        return slots;
    }

    /** A required integer of at least {@code min}; null is a wrong type, as for pydantic. */
    static int requiredInt(Body body, String field, int min) {
        if (!body.has(field)) throw InvalidInput.missing(field);
        if (body.json().isNull(field)) throw InvalidInput.field(field, "Input should be a valid integer");
        return body.integer(field, 0, min, Integer.MAX_VALUE);
    }

    /** A filter's page (Prefect's limit and offset in the body), each limit in {@code shape}. */
    static JsonArray page(Body body, BiFunction<Integer, Integer, List<ConcurrencyLimit>> list,
                          Function<ConcurrencyLimit, JsonObject> shape) {
        int limit = Paging.limit(body);
        int offset = Paging.offset(body);
        JsonArrayBuilder out = dev.steward.platform.Json.createArrayBuilder();
        list.apply(offset, limit).forEach(l -> out.add(shape.apply(l)));
        return out.build();
    }

    /** Prefect's MinimalConcurrencyLimitResponse list: id, name, limit. */
    static JsonArray minimal(List<ConcurrencyLimit> limits, Function<ConcurrencyLimit, String> name) {
        JsonArrayBuilder out = dev.steward.platform.Json.createArrayBuilder();
        for (ConcurrencyLimit l : limits) {
            out.add(dev.steward.platform.Json.createObjectBuilder()
                    .add("id", l.getId().toString())
                    .add("name", name.apply(l))
                    .add("limit", l.getLimit()));
        }
        return out.build();
    }

    /** Slots denied: Prefect's 423 answer, a committed outcome rather than a failure (nothing is rolled back). */
    static Response locked(Slots.Denied denied) {
        return ErrorMappers.locked(denied.detail(), denied.retryAfterSeconds());
    }

    /**
     * A path parameter that must be a UUID, answered as FastAPI answers a bad one: a 422 (a malformed object id in
     * other paths is a 404, {@link UuidParameters}).
     */
    static UUID pathUuid(String value, String name) {
        return UuidParameters.parse(value).orElseThrow(
                () -> InvalidInput.parameter("path", name, "Input should be a valid UUID", "uuid_parsing"));
    }
}
