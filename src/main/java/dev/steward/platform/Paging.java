package dev.steward.platform;

import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/** Prefect's paging of filter endpoints: a limit of at most 200 (absent or null: 200), an offset of at least 0. */
public final class Paging {
    public static final int MAX_LIMIT = 200;

    private Paging() {}

    public static int limit(Body body) {
        if (!body.has("limit") || body.json().isNull("limit")) return MAX_LIMIT;
        JsonValue v = body.json().get("limit");
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw InvalidInput.field("limit", "Input should be a valid integer");
        }
        java.math.BigDecimal limit = n.bigDecimalValue();
        if (limit.compareTo(java.math.BigDecimal.valueOf(MAX_LIMIT)) > 0) {
            throw new InvalidInput("Invalid limit: must be less than or equal to " + MAX_LIMIT + ".");
        }
        if (limit.signum() < 0) throw new InvalidInput("Invalid limit: must be greater than or equal to 0.");
        return limit.intValueExact();
    }

    /** The body's {@code offset}: at least 0, absent meaning 0. */
    public static int offset(Body body) {
        return body.integer("offset", 0, 0, Integer.MAX_VALUE);
    }
}
