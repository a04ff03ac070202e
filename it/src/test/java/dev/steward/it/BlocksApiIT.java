package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.audit.AuditVerifier;
import dev.steward.devstack.Endpoints;
import dev.steward.devstack.TestStack;
import dev.steward.testing.Bytes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;

/**
 * Blocks on the real WAR, as far as the client suite does not reach: secrets are sealed at rest (no table, no file of
 * PostgreSQL's or Redis's and no server log holds them), a viewer is refused them, each reveal is audited, and nothing
 * of them reaches events, audit records or error answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlocksApiIT {
    static final String SECRET = "sealed-secret-" + UUID.randomUUID();
    static final String NESTED_SECRET = "nested-pw-" + UUID.randomUUID();

    String ws;
    Api developer;
    Api viewer;
    Api admin;
    String typeId;
    String schemaId;

    @BeforeAll
    void workspace() {
        ws = Workspaces.create("blocks");
        developer = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
        viewer = Workspaces.api(ws, Workspaces.issueKey(ws, "viewer"));
        admin = Workspaces.api(ws, Workspaces.issueKey(ws, "admin"));
        typeId = developer.post("/block_types/", "{\"name\":\"Credentials\",\"slug\":\"credentials\"}")
                .expect(201).object().getString("id");
        schemaId = developer.post("/block_schemas/", "{\"block_type_id\":\"" + typeId + "\",\"capabilities\":[\"login\"],"
                        + "\"fields\":{\"title\":\"Credentials\",\"type\":\"object\",\"properties\":{\"user\":{\"type\":\"string\"},"
                        + "\"password\":{\"type\":\"string\",\"format\":\"password\",\"writeOnly\":true},"
                        + "\"extra\":{\"type\":\"object\"}},\"secret_fields\":[\"password\",\"extra.token\"],"
                        + "\"block_schema_references\":{}}}")
                .expect(201).object().getString("id");
    }

    String createDocument(String name) {
        return developer.post("/block_documents/", "{\"name\":\"" + name + "\",\"block_type_id\":\"" + typeId
                        + "\",\"block_schema_id\":\"" + schemaId + "\",\"data\":{\"user\":\"etl\",\"password\":\"" + SECRET
                        + "\",\"extra\":{\"token\":\"" + NESTED_SECRET + "\",\"region\":\"eu\"}}}")
                .expect(201).object().getString("id");
    }

    @Test
    void schemasAreFoundByChecksumAndCreatingOneTwiceAnswers200() {
        JsonObject schema = developer.get("/block_schemas/" + schemaId).expect(200).object();
        assertTrue(schema.getString("checksum").startsWith("sha256:"), schema.toString());
        assertEquals(schemaId, developer.get("/block_schemas/checksum/" + schema.getString("checksum")).expect(200)
                .object().getString("id"));
        developer.post("/block_schemas/", "{\"block_type_id\":\"" + typeId + "\",\"fields\":"
                + schema.getJsonObject("fields") + ",\"capabilities\":[\"login\"]}").expect(200);
        assertEquals("Credentials", schema.getJsonObject("block_type").getString("name"));
        developer.post("/block_types/", "{\"name\":\"Prefect Thing\",\"slug\":\"prefect-thing\"}").expect(403);
        developer.post("/block_types/", "{\"name\":\"Credentials\",\"slug\":\"credentials\"}").expect(409);
        developer.post("/block_types/", "{\"name\":\"Bad\",\"slug\":\"Bad Slug\"}").expect(422);
    }

    @Test
    void answersMaskSecretsAndOnlyDevelopersReadThemAudited() {
        String id = createDocument("masked");
        JsonObject masked = viewer.get("/block_documents/" + id).expect(200).object();
        assertEquals("********", masked.getJsonObject("data").getString("password"));
        assertEquals("********", masked.getJsonObject("data").getJsonObject("extra").getString("token"));
        assertEquals("eu", masked.getJsonObject("data").getJsonObject("extra").getString("region"));

        assertTrue(viewer.get("/block_documents/" + id + "?include_secrets=true").expect(403).body().contains("developer"));
        viewer.post("/block_documents/filter", "{\"include_secrets\":true}").expect(403);
        viewer.get("/block_types/slug/credentials/block_documents/name/masked?include_secrets=true").expect(403);
        developer.get("/block_documents/" + id + "?include_secrets=maybe").expect(422);

        JsonObject revealed = developer.get("/block_documents/" + id + "?include_secrets=true").expect(200).object();
        assertEquals(SECRET, revealed.getJsonObject("data").getString("password"));
        assertEquals(NESTED_SECRET, revealed.getJsonObject("data").getJsonObject("extra").getString("token"));

        List<JsonObject> audit = auditLines();
        List<JsonObject> reads = audit.stream()
                .filter(l -> l.getString("action").equals("steward.block-document.secrets-read")
                        && l.getString("resource_id").equals("prefect.block-document." + id)).toList();
        assertEquals(1, reads.size(), "one audited reveal: " + reads);
        assertTrue(reads.get(0).getString("actor").startsWith("api-key:"), reads.get(0).toString());
        assertEquals("127.0.0.1", reads.get(0).getString("origin_ip"));
        assertTrue(AuditVerifier.verify(audit).isEmpty(), () -> "chain verifies: " + AuditVerifier.verify(audit));
    }

    @Test
    void anUpdateThatSendsTheMaskBackKeepsTheSecretAndMergesByDefault() {
        String id = createDocument("updated");
        JsonObject masked = developer.get("/block_documents/" + id).expect(200).object();
        JsonObject data = Json.createObjectBuilder(masked.getJsonObject("data")).add("user", "loader").build();
        developer.patch("/block_documents/" + id, "{\"data\":" + data + "}").expect(204);
        JsonObject after = developer.get("/block_documents/" + id + "?include_secrets=1").expect(200).object();
        assertEquals("loader", after.getJsonObject("data").getString("user"));
        assertEquals(SECRET, after.getJsonObject("data").getString("password"));

        developer.patch("/block_documents/" + id, "{\"data\":{\"user\":\"x\"},\"merge_existing_data\":false}").expect(204);
        JsonObject replaced = developer.get("/block_documents/" + id + "?include_secrets=true").expect(200).object();
        assertEquals(Json.createObjectBuilder().add("user", "x").build(), replaced.getJsonObject("data"));
        developer.patch("/block_documents/" + UUID.randomUUID(), "{\"data\":{}}").expect(404);
    }

    @Test
    void referencesNestDocumentsAndRefuseCycles() {
        String child = createDocument("child");
        String parent = developer.post("/block_documents/", "{\"name\":\"parent\",\"block_type_id\":\"" + typeId
                        + "\",\"block_schema_id\":\"" + schemaId + "\",\"data\":{\"user\":\"p\",\"inner\":{\"$ref\":"
                        + "{\"block_document_id\":\"" + child + "\"}}}}")
                .expect(201).object().getString("id");
        JsonObject read = developer.get("/block_documents/" + parent).expect(200).object();
        assertEquals("********", read.getJsonObject("data").getJsonObject("inner").getString("password"));
        assertEquals(child, read.getJsonObject("block_document_references").getJsonObject("inner")
                .getJsonObject("block_document").getString("id"));
        // child -> parent would close a cycle
        String cycle = developer.patch("/block_documents/" + child, "{\"data\":{\"back\":{\"$ref\":{\"block_document_id\":\""
                + parent + "\"}}}}").expect(400).body();
        assertTrue(cycle.contains("cycle"), cycle);
        developer.post("/block_documents/", "{\"name\":\"dangling\",\"block_type_id\":\"" + typeId + "\",\"block_schema_id\":\""
                + schemaId + "\",\"data\":{\"x\":{\"$ref\":{}}}}").expect(400);
        // deleting the child removes the reference with it
        developer.delete("/block_documents/" + child).expect(204);
        assertFalse(developer.get("/block_documents/" + parent).expect(200).object()
                .getJsonObject("block_document_references").containsKey("inner"));
    }

    @Test
    void noSecretInEventsAuditErrorsOrAnyFileOfTheDatabase() throws Exception {
        String id = createDocument("at-rest");
        developer.patch("/block_documents/" + id, "{\"data\":{\"user\":\"again\"}}").expect(204);
        String events = developer.post("/events/filter", "{\"filter\":{\"resource\":{\"id\":[\"prefect.block-document."
                + id + "\"]},\"occurred\":{\"since\":\"2020-01-01T00:00:00Z\"}}}").expect(200).body();
        assertTrue(events.contains("prefect.block-document.created") && events.contains("prefect.block-document.updated"),
                events);
        assertTrue(events.contains("\"prefect.resource.role\":\"block-type\""), events);
        assertSecretsAbsent("events", events);
        assertSecretsAbsent("audit", admin.get("/audit").expect(200).body());
        assertSecretsAbsent("an error answer", developer.post("/block_documents/", "{\"name\":\"Bad Name\",\"block_type_id\":\""
                + typeId + "\",\"block_schema_id\":\"" + schemaId + "\",\"data\":{\"password\":\"" + SECRET + "\"}}")
                .expect(422).body());

        Endpoints e = TestStack.get().endpoints();
        String stored;
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
            try (ResultSet rs = c.createStatement().executeQuery("select data from block_document where id = '" + id + "'")) {
                assertTrue(rs.next());
                stored = rs.getString(1);
            }
            assertTrue(stored.contains("\"password\":\"steward:"), "the password is stored sealed: " + stored);
            assertTrue(stored.contains("\"user\":\"again\""), "other fields stay readable: " + stored);
            // every row of every table, as pg_dump's data section would hold it
            String dump = dumpEveryTable(c);
            assertTrue(dump.contains(id), "the dump covers the block document");
            assertSecretsAbsent("the database's tables", dump);
        }
        // as the superuser (the test stack's PostgreSQL lets it in from 127.0.0.1 without a password): write every
        // page out; then read PostgreSQL's heap and WAL files, Redis's append-only file and every server's log
        try (Connection su = DriverManager.getConnection(e.jdbcUrl().replaceFirst("/steward$", "/postgres"), "postgres", "")) {
            su.createStatement().execute("checkpoint");
        }
        String token = stored.replaceAll(".*\"password\":\"(steward:[^\"]+)\".*", "$1");
        boolean tokenSeen = false;
        Path state = TestStack.get().stack().stateDir();
        List<Path> files;
        try (Stream<Path> walk = Stream.of("postgres", "redis", "logs").map(state::resolve).filter(Files::isDirectory)
                .flatMap(BlocksApiIT::walk)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            byte[] bytes = readQuietly(f);
            assertFalse(Bytes.contains(bytes, SECRET.getBytes(StandardCharsets.UTF_8)), "secret in " + f);
            assertFalse(Bytes.contains(bytes, NESTED_SECRET.getBytes(StandardCharsets.UTF_8)), "nested secret in " + f);
            tokenSeen |= Bytes.contains(bytes, token.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(tokenSeen, "the files read hold the sealed row (" + files.size() + " files under " + state + ")");
    }

    List<JsonObject> auditLines() {
        return admin.get("/audit").expect(200).body().lines()
                .map(l -> Json.createReader(new StringReader(l)).readObject()).toList();
    }

    static void assertSecretsAbsent(String where, String text) {
        assertFalse(text.contains(SECRET), "the secret is in " + where);
        assertFalse(text.contains(NESTED_SECRET), "the nested secret is in " + where);
    }

    static String dumpEveryTable(Connection c) throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(
                "select tablename from pg_tables where schemaname = 'public' order by tablename")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String table : tables) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy \"" + table + "\" to stdout", out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] readQuietly(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException gone) {
            return new byte[0]; // a file PostgreSQL removed while the walk ran
        }
    }
}
