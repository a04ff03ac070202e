package dev.steward.platform;

import dev.harrel.jsonschema.Dialects;
import dev.harrel.jsonschema.Error;
import dev.harrel.jsonschema.InvalidSchemaException;
import dev.harrel.jsonschema.SchemaResolver;
import dev.harrel.jsonschema.Validator;
import dev.harrel.jsonschema.ValidatorFactory;
import dev.harrel.jsonschema.providers.JakartaJsonNode;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.List;

/**
 * Values checked against a JSON Schema that Prefect's client generated (a deployment's parameter_openapi_schema, a
 * paused run's input schema) as Prefect checks them (utilities/schema_tools/validation.py): JSON Schema draft 2020-12
 * (dev.harrel's validator, over Jakarta JSON), after Prefect's preprocessing of the schemas the client generates (an optional property that has no default also takes null; a list of tuple items becomes
 * prefixItems), with no remote reference ever fetched. Messages follow Prefect's: "Validation failed for field 'x'.
 * Failure reason: ...".
 */
public final class ParameterSchema {
    /** A failed check; the message says why. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private ParameterSchema() {}

    private static ValidatorFactory factory() {
        return new ValidatorFactory().withJsonNodeFactory(new JakartaJsonNode.Factory())
                .withDefaultDialect(new Dialects.Draft2020Dialect())
                .withSchemaResolver(uri -> SchemaResolver.Result.empty());
    }

    /** Whether {@code schema} is a valid draft 2020-12 schema (Prefect's check_schema); else why not. */
    public static void checkSchema(JsonObject schema) throws Invalid {
        try {
            factory().createValidator().registerSchema(URI.create("urn:steward:parameters"), schema);
        } catch (InvalidSchemaException e) {
            Error deepest = deepest(e.getErrors());
            throw new Invalid("The provided schema is not a valid json schema. Schema error: "
                    + (deepest == null ? e.getMessage() : deepest.getError() + " at '" + deepest.getInstanceLocation() + "'"));
        } catch (RuntimeException e) {
            throw new Invalid("The provided schema is not a valid json schema. Schema error: " + e.getMessage());
        }
    }

    /**
     * Checks the parameters against the schema.
     * @param ignoreRequired Prefect's ignore_required: a deployment's default parameters may leave required ones out
     */
    public static void validate(JsonObject parameters, JsonObject schema, boolean ignoreRequired) throws Invalid {
        JsonObject prepared = preprocess(schema, ignoreRequired);
        Validator.Result result;
        try {
            Validator validator = factory().createValidator();
            URI uri = validator.registerSchema(URI.create("urn:steward:parameters"), prepared);
            result = validator.validate(uri, parameters);
        } catch (RuntimeException e) {
            throw new Invalid("Validation failed. Failure reason: " + e.getMessage());
        }
        if (result.isValid()) return;
        Error error = deepest(result.getErrors());
        String location = error.getInstanceLocation();
        String field = location == null || location.isEmpty() || location.equals("/") ? null
                : location.substring(1).replace('/', '.');
        throw new Invalid((field == null ? "Validation failed." : "Validation failed for field '" + field + "'.")
                + " Failure reason: " + error.getError());
    }

    /** The deepest error says most (a failed "properties" keyword only says that a property failed). */
    private static Error deepest(List<Error> errors) {
        return errors.stream().max((a, b) -> Integer.compare(depth(a.getInstanceLocation()), depth(b.getInstanceLocation())))
                .orElse(null);
    }

    private static int depth(String location) {
        return location == null ? 0 : (int) location.chars().filter(c -> c == '/').count();
    }

    private static JsonObject preprocess(JsonObject schema, boolean ignoreRequired) {
        JsonObject out = fixProperties(schema);
        if (out.get("definitions") instanceof JsonObject definitions) {
            JsonObjectBuilder fixed = Json.createObjectBuilder();
            definitions.forEach((name, d) -> fixed.add(name, d instanceof JsonObject o ? fixProperties(o) : d));
            out = Json.createObjectBuilder(out).add("definitions", fixed).build();
        }
        return ignoreRequired ? (JsonObject) withoutRequired(out) : out;
    }

    /** Prefect's process_properties over an object schema's properties, recursively. */
    private static JsonObject fixProperties(JsonObject schema) {
        if (!(schema.get("properties") instanceof JsonObject properties)) return schema;
        List<String> required = schema.get("required") instanceof JsonArray r
                ? r.getValuesAs(v -> v instanceof jakarta.json.JsonString s ? s.getString() : "") : List.of();
        JsonObjectBuilder fixed = Json.createObjectBuilder();
        properties.forEach((key, value) -> {
            if (!(value instanceof JsonObject p)) {
                fixed.add(key, value);
                return;
            }
            JsonObjectBuilder b = Json.createObjectBuilder(p);
            if (!required.contains(key) && p.containsKey("type") && !"null".equals(p.get("type").toString().replace("\"", ""))
                    && !p.containsKey("default")) {
                b.remove("type");
                b.add("anyOf", Json.createArrayBuilder().add(Json.createObjectBuilder().add("type", p.get("type")))
                        .add(Json.createObjectBuilder().add("type", "null")));
            }
            if (p.get("items") instanceof JsonArray items && !items.isEmpty() && !p.containsKey("prefixItems")) {
                b.remove("items");
                b.add("prefixItems", items);
            }
            fixed.add(key, fixProperties(b.build()));
        });
        return Json.createObjectBuilder(schema).add("properties", fixed).build();
    }

    /** Prefect's remove_nested_keys(["required"], schema). */
    private static JsonValue withoutRequired(JsonValue value) {
        if (value instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            o.forEach((k, v) -> {
                if (!k.equals("required")) b.add(k, withoutRequired(v));
            });
            return b.build();
        }
        if (value instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            a.forEach(v -> b.add(withoutRequired(v)));
            return b.build();
        }
        return value;
    }
}
