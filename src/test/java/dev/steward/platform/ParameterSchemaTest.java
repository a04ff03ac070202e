package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Parameters checked against a deployment's schema as Prefect checks them (the schema the 3.9 client generates). */
class ParameterSchemaTest {
    static final JsonObject SCHEMA = Json.parseObject("""
            {"title":"Parameters","type":"object","properties":{
              "x":{"title":"x","position":0,"type":"integer"},
              "label":{"title":"label","position":1,"type":"string"},
              "point":{"title":"point","position":2,"type":"array","items":[{"type":"integer"},{"type":"integer"}]}},
             "required":["x"],"definitions":{}}""");

    @Test
    void fittingParametersPassAndOptionalOnesMayBeNull() {
        assertDoesNotThrow(() -> ParameterSchema.validate(Json.parseObject("{\"x\":3,\"label\":null,\"point\":[1,2]}"), SCHEMA, false));
        assertDoesNotThrow(() -> ParameterSchema.validate(Json.parseObject("{}"), SCHEMA, true));
    }

    @Test
    void aWrongTypeOrAMissingRequiredOneSaysWhich() {
        ParameterSchema.Invalid wrong = assertThrows(ParameterSchema.Invalid.class,
                () -> ParameterSchema.validate(Json.parseObject("{\"x\":\"three\"}"), SCHEMA, false));
        assertEquals(true, wrong.getMessage().startsWith("Validation failed for field 'x'. Failure reason: "), wrong.getMessage());
        ParameterSchema.Invalid tuple = assertThrows(ParameterSchema.Invalid.class,
                () -> ParameterSchema.validate(Json.parseObject("{\"x\":1,\"point\":[1,\"b\"]}"), SCHEMA, false));
        assertEquals(true, tuple.getMessage().contains("'point.1'"), tuple.getMessage());
        ParameterSchema.Invalid missing = assertThrows(ParameterSchema.Invalid.class,
                () -> ParameterSchema.validate(Json.parseObject("{}"), SCHEMA, false));
        assertEquals(true, missing.getMessage().startsWith("Validation failed. Failure reason: "), missing.getMessage());
    }

    @Test
    void aSchemaThatIsNoSchemaIsRefused() {
        ParameterSchema.Invalid invalid = assertThrows(ParameterSchema.Invalid.class,
                () -> ParameterSchema.checkSchema(Json.parseObject("{\"properties\":{\"x\":{\"type\":12}}}")));
        assertEquals(true, invalid.getMessage().contains("/properties/x/type"), invalid.getMessage());
        // what the 3.9 client sends (pydantic 2: prefixItems, $defs)
        assertDoesNotThrow(() -> ParameterSchema.checkSchema(Json.parseObject("""
                {"title":"Parameters","type":"object","properties":{"x":{"title":"x","position":0,"type":"integer"},
                 "p":{"type":"array","prefixItems":[{"type":"integer"}]},"m":{"$ref":"#/$defs/M"}},"required":["x"],
                 "$defs":{"M":{"type":"object","properties":{"a":{"type":"string"}}}}}""")));
    }
}
