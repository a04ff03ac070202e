package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.Endpoints;
import dev.steward.devstack.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits every request is held to: the body size (steward.max-request-bytes, 16 MB as shipped) and PostgreSQL's
 * statement timeout on the app's connections (steward.db.statement-timeout-seconds, 30 s as shipped).
 */
class GuardRailsIT {
    static final long MAX_BYTES = 16L * 1024 * 1024;
    static String ws;
    static String key;
    static Api api;

    @BeforeAll
    static void workspace() {
        ws = Workspaces.create("guards");
        key = Workspaces.issueKey(ws, "developer");
        api = Workspaces.api(ws, key);
    }

    /** A status line and body read off a plain socket, for requests HttpClient will not send as they are. */
    record Answer(String status, String body) {}

    /**
     * Sends the head of a POST to {@code path}, then {@code body} writes what it will on its own thread (it may be
     * cut off when the server has answered); returns the server's answer.
     */
    static Answer post(String path, String headers, BodyWriter body) throws Exception {
        URI app = URI.create(TestStack.get().appUrl());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(app.getHost(), app.getPort()), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/workspaces/" + ws + path + " HTTP/1.1\r\nHost: " + app.getHost() + ":" + app.getPort()
                    + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nUser-Agent: steward-it\r\n"
                    + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    body.write(out);
                } catch (IOException closedByTheServer) {
                    // expected once the server has answered and stopped reading
                }
            });
            writer.start();
            Answer answer = readAnswer(socket.getInputStream());
            socket.close();
            writer.join(10_000);
            return answer;
        }
    }

    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Reads a response head, then its body by Content-Length or chunks. */
    static Answer readAnswer(InputStream in) throws IOException {
        String head = line(in);
        String status = head;
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        }
        return new Answer(status, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new IOException("connection closed after: " + sb);
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    static void assertTooLarge(Answer answer) {
        assertTrue(answer.status().startsWith("HTTP/1.1 413"), answer.status() + " " + answer.body());
        assertTrue(answer.body().startsWith("{\"detail\":\"") && answer.body().contains(Long.toString(MAX_BYTES)),
                answer.body());
    }

    @Test
    void aBodyOverTheLimitIsA413NamingIt() throws Exception {
        // announced by its Content-Length: refused before a byte of it is read
        assertTooLarge(post("/flows/filter", "Content-Length: " + (MAX_BYTES + 1) + "\r\n", out -> out.write('{')));
        // chunked, without a length: refused when it grows past the limit
        assertTooLarge(post("/flows/filter", "Transfer-Encoding: chunked\r\n", out -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write("1\r\n{\r\n".getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent <= MAX_BYTES + chunk.length; sent += chunk.length) {
                out.write(size);
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("1\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }));
        // just under the limit is read (whitespace around an empty filter)
        byte[] padded = new byte[(int) MAX_BYTES];
        Arrays.fill(padded, (byte) ' ');
        padded[0] = '{';
        padded[padded.length - 1] = '}';
        HttpResponse<String> ok = Api.HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.get().appUrl()
                        + "/api/workspaces/" + ws + "/flows/count"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(padded)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void aQueryPastTheStatementTimeoutIsA503() throws Exception {
        String flowId = api.post("/flows/", "{\"name\":\"guarded\"}").expect(201).object().getString("id");
        String runId = api.post("/flow_runs/", "{\"flow_id\":\"" + flowId + "\"}").expect(201).object().getString("id");
        String name = api.get("/flow_runs/" + runId).expect(200).object().getString("name");
        Endpoints db = TestStack.get().endpoints();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUser(), db.dbPassword())) {
            // the run's row locked from outside: the app's update waits for it until its statement timeout
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("select id from flow_run where id = ?::uuid for update")) {
                lock.setString(1, runId);
                lock.executeQuery().close();
            }
            long start = System.nanoTime();
            HttpResponse<String> answer = Api.HTTP.send(HttpRequest.newBuilder(URI.create(TestStack.get().appUrl()
                            + "/api/workspaces/" + ws + "/flow_runs/" + runId))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"renamed\"}"))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            c.rollback();
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("took too long"), answer.body());
            assertTrue(seconds >= 29 && seconds < 60, "cancelled after " + seconds + " s, the timeout is 30 s");
        }
        // the run is untouched, and the app's connections serve the next request
        assertEquals(name, api.get("/flow_runs/" + runId).expect(200).object().getString("name"));
        api.patch("/flow_runs/" + runId, "{\"name\":\"renamed\"}").expect(204);
        assertEquals("renamed", api.get("/flow_runs/" + runId).expect(200).object().getString("name"));
    }
}
