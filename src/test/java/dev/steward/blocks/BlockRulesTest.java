package dev.steward.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rules Prefect's client and server share for blocks: a schema's checksum (the client looks its schema up by it)
 * and which values of a document are secret. The schemas and checksums in {@code blocks/prefect-3.9.1-schemas.json}
 * were written by Prefect 3.9.1's own {@code Block._calculate_schema_checksum} and {@code model_json_schema()}.
 */
class BlockRulesTest {
    static JsonArray prefectSchemas() throws Exception {
        try (var in = BlockRulesTest.class.getResourceAsStream("/blocks/prefect-3.9.1-schemas.json")) {
            return Json.createReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readArray();
        }
    }

    @Test
    void checksumsAreThoseOfPrefectsClient() throws Exception {
        JsonArray schemas = prefectSchemas();
        assertTrue(schemas.size() >= 8, "the fixture lists Prefect's blocks");
        for (JsonValue v : schemas) {
            JsonObject block = v.asJsonObject();
            assertEquals(block.getString("checksum"), SchemaChecksum.of(block.getJsonObject("fields")),
                    block.getString("block") + "'s checksum");
        }
    }

    @Test
    void aChangedSchemaHasAnotherChecksumButSecretFieldsDoNotCount() throws Exception {
        JsonObject webhook = prefectSchemas().getValuesAs(JsonObject.class).stream()
                .filter(b -> b.getString("block").equals("Webhook")).findFirst().orElseThrow().getJsonObject("fields");
        String checksum = SchemaChecksum.of(webhook);
        JsonObject titled = Json.createObjectBuilder(webhook).add("title", "Other").build();
        assertFalse(checksum.equals(SchemaChecksum.of(titled)));
        JsonObject moreSecrets = Json.createObjectBuilder(webhook).add("secret_fields", Json.createArrayBuilder().add("x")).build();
        assertEquals(checksum, SchemaChecksum.of(moreSecrets));
    }

    @Test
    void numbersAreWrittenAsPythonsJsonDumpsWritesThem() {
        // the values Python 3.11 writes for json.dumps(x) of each
        Map<String, String> python = Map.of("10000000.0", "10000000.0", "1e16", "1e+16", "0.0001", "0.0001",
                "0.00001", "1e-05", "0.25", "0.25", "10.0", "10.0", "1.5e300", "1.5e+300", "123", "123", "-2.5", "-2.5");
        python.forEach((in, out) -> {
            StringBuilder text = new StringBuilder();
            SchemaChecksum.pythonJson(Json.parse(in), text);
            assertEquals(out, text.toString(), "json.dumps(" + in + ")");
        });
    }

    @Test
    void aSecretPathCoversAllBelowItAndAListOnItsWay() {
        // Secret(value={...}), dict[str, SecretStr] and list[Model-with-SecretStr] as Prefect's client saves them
        SecretFields secrets = SecretFields.of(Json.parseObject(
                "{\"secret_fields\":[\"value\",\"mapping\",\"items.password\"]}"));
        JsonObject data = Json.parseObject("{\"value\":{\"username\":\"u\",\"password\":\"p1\"},"
                + "\"mapping\":{\"a\":\"p2\"},\"items\":[{\"user\":\"x\",\"password\":\"p3\"}],\"plain\":\"keep\"}");
        assertEquals(List.of(List.of("value", "username"), List.of("value", "password"), List.of("mapping", "a"),
                List.of("items")), List.copyOf(secrets.secretsIn(data).keySet()));
        JsonObject masked = secrets.mask(data);
        for (String secret : List.of("p1", "p2", "p3")) assertFalse(masked.toString().contains(secret), masked.toString());
        assertEquals("keep", masked.getString("plain"));
        // the mask sent back, whole or per leaf, keeps what is stored
        assertEquals(data, secrets.keepMasked(masked, data));
        JsonObject wholeMasked = Json.parseObject("{\"value\":\"********\",\"mapping\":\"********\","
                + "\"items\":\"********\",\"plain\":\"keep\"}");
        assertEquals(data, secrets.keepMasked(wholeMasked, data));
    }

    @Test
    void secretValuesAreFoundByPathAndWildcardAndMaskedAsPrefectDoes() {
        JsonObject schema = Json.parseObject("{\"secret_fields\":[\"url\",\"headers.*\",\"credentials.password\"]}");
        SecretFields secrets = SecretFields.of(schema);
        JsonObject data = Json.parseObject("{\"url\":\"https://hooks.example/abc\",\"method\":\"POST\","
                + "\"headers\":{\"Authorization\":\"Bearer t\",\"X-Id\":\"7\"},"
                + "\"credentials\":{\"username\":\"u\",\"password\":\"p4ss\"},\"timeout\":null}");
        Map<List<String>, JsonValue> found = secrets.secretsIn(data);
        assertEquals(List.of(List.of("url"), List.of("headers", "Authorization"), List.of("headers", "X-Id"),
                List.of("credentials", "password")), List.copyOf(found.keySet()));
        JsonObject masked = secrets.mask(data);
        assertEquals("********", masked.getString("url"));
        assertEquals("********", masked.getJsonObject("headers").getString("Authorization"));
        assertEquals("u", masked.getJsonObject("credentials").getString("username"));
        assertEquals("********", masked.getJsonObject("credentials").getString("password"));
        assertEquals("POST", masked.getString("method"));
        assertFalse(masked.toString().contains("p4ss") || masked.toString().contains("Bearer"), masked.toString());
    }

    @Test
    void anUpdateThatSendsTheMaskBackKeepsTheStoredSecret() {
        SecretFields secrets = SecretFields.of(Json.parseObject("{\"secret_fields\":[\"value\",\"headers.*\"]}"));
        JsonObject stored = Json.parseObject("{\"value\":\"s3cret\",\"headers\":{\"a\":\"1\"}}");
        JsonObject sentBack = secrets.mask(stored);
        assertEquals(stored, secrets.keepMasked(sentBack, stored));
        JsonObject changed = Json.parseObject("{\"value\":\"new\",\"headers\":{\"a\":\"********\",\"b\":\"2\"}}");
        assertEquals(Json.parseObject("{\"value\":\"new\",\"headers\":{\"a\":\"1\",\"b\":\"2\"}}"),
                secrets.keepMasked(changed, stored));
    }
}
