package dev.steward.variables;

import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Prefect's validation of variables: the name's characters and length, the value's serialised size. */
public final class VariableRules {
    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_VALUE_BYTES = 5000;
    private static final Pattern NAME = Pattern.compile("^[a-z0-9_-]+$");

    private VariableRules() {}

    public static String checkName(String name) {
        if (name.isEmpty()) {
            throw InvalidInput.field("name", "String should have at least 1 character");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw InvalidInput.field("name", "String should have at most " + MAX_NAME_LENGTH + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw InvalidInput.field("name",
                    "Value error, Variable name must only contain lowercase letters, numbers, and dashes or underscores.");
        }
        return name;
    }

    /** The value as compact JSON text, measured in UTF-8 bytes as Prefect measures it. */
    public static String checkValue(JsonValue value) {
        String json = value.toString();
        if (value.getValueType() != JsonValue.ValueType.NULL
                && json.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw InvalidInput.field("value", "Value error, Variable value must be less than " + MAX_VALUE_BYTES + " characters");
        }
        return json;
    }
}
