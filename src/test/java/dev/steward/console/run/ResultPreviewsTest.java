package dev.steward.console.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results tab's descriptions of what Prefect 3.9 puts in a state's data, on result files as the client writes them. */
class ResultPreviewsTest {
    @TempDir
    Path storage;

    private ResultPreviews previews(String root) {
        ResultPreviews p = new ResultPreviews();
        p.localStorage = Optional.of(root);
        return p;
    }

    private static String metadata(String key, String serializer, String block) {
        return "{\"storage_key\":" + (key == null ? "null" : "\"" + key + "\"") + ",\"expiration\":null,"
                + "\"serializer\":{\"type\":\"" + serializer + "\"},\"prefect_version\":\"3.9.1\","
                + "\"storage_block_id\":" + (block == null ? "null" : "\"" + block + "\"") + "}";
    }

    @Test
    void previewsAJsonRecordOnLocalStorage() throws Exception {
        Path file = storage.resolve("abc123");
        // the client's record: metadata and the serializer's output as a string
        Files.writeString(file, "{\"metadata\":" + metadata(file.toString(), "json", null)
                + ",\"result\":\"{\\\"count\\\": 3, \\\"sum\\\": 14}\",\"prefect_version\":\"3.9.1\"}");
        ResultPreviews.Described d = previews(storage.toString()).describe(metadata(file.toString(), "json", null));
        assertEquals(new ResultPreviews.Described("dict (json)", file.toString(), "{\"count\":3,\"sum\":14}"), d);
    }

    @Test
    void saysWhatTheServerCannotRead() throws Exception {
        ResultPreviews p = previews(storage.toString());
        Path outside = Files.createTempFile("outside", ".json");
        try {
            Files.writeString(outside, "{\"metadata\":{},\"result\":\"1\"}");
            assertEquals("Not readable by the server", p.describe(metadata(outside.toString(), "json", null)).preview());
        } finally {
            Files.delete(outside);
        }
        assertEquals("Not readable by the server", p.describe(metadata(storage + "/../etc", "json", null)).preview());
        assertEquals("Not previewed: serialized with pickle", p.describe(metadata(storage + "/k", "pickle", null)).preview());
        ResultPreviews.Described block = p.describe(metadata("k1", "json", "0f3b2c9e-1111-4222-8333-444455556666"));
        assertEquals("storage block 0f3b2c9e-1111-4222-8333-444455556666, key k1", block.storage());
        assertEquals("Not readable by the server: kept in a storage block", block.preview());
        ResultPreviews off = new ResultPreviews();
        off.localStorage = Optional.empty();
        assertEquals("Not readable by the server", off.describe(metadata(storage + "/abc", "json", null)).preview(),
                "no folder set: no previews");
    }

    @Test
    void inlineDataIsShownAsItIs() {
        ResultPreviews.Described d = previews(storage.toString()).describe("[1, 2, 3]");
        assertEquals(new ResultPreviews.Described("list (inline)", "in state data", "[1,2,3]"), d);
    }
}
