package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The console's blocks pages in real Chromium (it/browser/blocks.test.mjs), in a workspace of its own (alice owner,
 * bob viewer) with block types, schemas and documents made through the REST API: a Secret-like type and a database
 * type that nests it. The list and its search, a document masked until a developer reveals it (audited), a viewer
 * without Reveal, and a document created, edited and deleted through the schema's form. Screenshots 40-43.
 */
class BlocksBrowserIT {
    static final String SECRET = "console-secret-" + UUID.randomUUID();

    @Test
    void blocksPagesWorkInChromium() throws Exception {
        String slug = Workspaces.create("blocks-ui");
        Workspaces.admin().put("/workspaces/" + slug + "/members/alice", "{\"role\":\"owner\"}").expect(200);
        Workspaces.admin().put("/workspaces/" + slug + "/members/bob", "{\"role\":\"viewer\"}").expect(200);
        String key = Workspaces.issueKey(slug, "developer");
        Api api = Workspaces.api(slug, key);

        String vaultType = api.post("/block_types/", "{\"name\":\"Vault Secret\",\"slug\":\"vault-secret\"}").expect(201)
                .object().getString("id");
        JsonObject vaultSchema = api.post("/block_schemas/", "{\"block_type_id\":\"" + vaultType + "\",\"fields\":"
                + "{\"title\":\"VaultSecret\",\"type\":\"object\",\"required\":[\"value\"],\"secret_fields\":[\"value\"],"
                + "\"properties\":{\"value\":{\"title\":\"Value\",\"type\":\"string\",\"format\":\"password\","
                + "\"writeOnly\":true}},\"block_schema_references\":{}}}").expect(201).object();
        String databaseType = api.post("/block_types/", "{\"name\":\"Database\",\"slug\":\"database\"}").expect(201)
                .object().getString("id");
        String databaseSchema = api.post("/block_schemas/", "{\"block_type_id\":\"" + databaseType + "\",\"fields\":"
                + "{\"title\":\"Database\",\"type\":\"object\",\"required\":[\"host\"],\"secret_fields\":[\"password\"],"
                + "\"properties\":{\"host\":{\"title\":\"Host\",\"type\":\"string\"},"
                + "\"port\":{\"title\":\"Port\",\"type\":\"integer\",\"default\":5432},"
                + "\"ssl\":{\"title\":\"SSL\",\"type\":\"boolean\"},"
                + "\"password\":{\"title\":\"Password\",\"type\":\"string\",\"format\":\"password\",\"writeOnly\":true},"
                + "\"options\":{\"title\":\"Options\",\"type\":\"object\"},"
                + "\"credentials\":{\"$ref\":\"#/definitions/VaultSecret\"}},"
                + "\"definitions\":{\"VaultSecret\":{\"title\":\"VaultSecret\",\"type\":\"object\",\"block_type_slug\":\"vault-secret\"}},"
                + "\"block_schema_references\":{\"credentials\":{\"block_type_slug\":\"vault-secret\","
                + "\"block_schema_checksum\":\"" + vaultSchema.getString("checksum") + "\"}}}}").expect(201)
                .object().getString("id");

        String prodToken = document(api, "prod-token", vaultType, vaultSchema.getString("id"),
                "{\"value\":\"" + SECRET + "\"}");
        document(api, "staging-token", vaultType, vaultSchema.getString("id"), "{\"value\":\"staging-" + SECRET + "\"}");
        document(api, "warehouse", databaseType, databaseSchema, "{\"host\":\"db.internal\",\"port\":5432,"
                + "\"credentials\":{\"$ref\":{\"block_document_id\":\"" + prodToken + "\"}}}");
        // an anonymous document (as a nested block saved by a client): never listed
        api.post("/block_documents/", "{\"is_anonymous\":true,\"block_type_id\":\"" + vaultType
                + "\",\"block_schema_id\":\"" + vaultSchema.getString("id") + "\",\"data\":{\"value\":\"x\"}}").expect(201);

        int exit = Processes.run(List.of("bash", "it/browser/run.sh", "blocks.test.mjs"), Map.of(
                "STEWARD_URL", TestStack.get().appUrl(),
                "STEWARD_WORKSPACE", slug,
                "STEWARD_API_KEY", key,
                "STEWARD_SECRET", SECRET,
                "STEWARD_PROD_TOKEN", prodToken), 10);
        assertEquals(0, exit, "the browser test failed: see its output above");

        // the console opened secrets once, for alice's Reveal of prod-token (the test's own checks read with the API key;
        // Hide and the edit form read masked), and never for bob
        Api admin = Workspaces.api(slug, Workspaces.issueKey(slug, "admin"));
        List<JsonObject> reveals = admin.get("/audit").expect(200).body().lines()
                .map(l -> Json.createReader(new StringReader(l)).readObject())
                .filter(l -> l.getString("action").equals("steward.block-document.secrets-read")
                        && l.getString("actor").startsWith("user:")).toList();
        assertEquals(1, reveals.size(), reveals.toString());
        assertEquals("user:alice", reveals.get(0).getString("actor"));
        assertEquals("prefect.block-document." + prodToken, reveals.get(0).getString("resource_id"));
    }

    private static String document(Api api, String name, String typeId, String schemaId, String data) {
        return api.post("/block_documents/", "{\"name\":\"" + name + "\",\"block_type_id\":\"" + typeId
                + "\",\"block_schema_id\":\"" + schemaId + "\",\"data\":" + data + "}").expect(201).object().getString("id");
    }
}
