package dev.steward.variables;

import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VariableRulesTest {
    @Test
    void namesFollowPrefect() {
        assertDoesNotThrow(() -> VariableRules.checkName("my_var-2"));
        for (String bad : new String[] {"My", "a b", "a.b", "ü", ""}) {
            assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> VariableRules.checkName(bad))), bad);
        }
        assertDoesNotThrow(() -> VariableRules.checkName("a".repeat(255)));
        assertThrows(Problem.class, () -> VariableRules.checkName("a".repeat(256)));
    }

    @Test
    void valueSizeIsMeasuredInUtf8BytesOfCompactJson() {
        // a JSON string of n ASCII characters serialises to n + 2 bytes (the quotes)
        assertDoesNotThrow(() -> VariableRules.checkValue(Json.createValue("a".repeat(4998))));
        assertThrows(Problem.class, () -> VariableRules.checkValue(Json.createValue("a".repeat(4999))));
        // two bytes per character in UTF-8
        assertThrows(Problem.class, () -> VariableRules.checkValue(Json.createValue("é".repeat(2500))));
        assertEquals("null", VariableRules.checkValue(JsonValue.NULL));
        assertEquals("{\"a\":[1,true,null]}", VariableRules.checkValue(
                Json.createObjectBuilder().add("a", Json.createArrayBuilder().add(1).add(true).addNull()).build()));
    }
}
