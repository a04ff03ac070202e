package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit trail's origin behind a trusted proxy. The test stack trusts 127.0.0.2/32 only (TestStack); Payara listens
 * on 127.0.0.1, and a client socket bound to 127.0.0.2 reaches it over Linux loopback as a "proxy".
 */
class ClientAddressIT {
    private static final String CLIENT = "203.0.113.7";

    @Test
    void xForwardedForCountsOnlyFromATrustedProxy() throws Exception {
        String ws = Workspaces.create("xff");
        String key = Workspaces.issueKey(ws, "admin");
        URI app = URI.create(TestStack.get().appUrl());
        String variables = "/api/workspaces/" + ws + "/variables/";

        // from 127.0.0.1, not trusted: the header is ignored
        HttpResponse<String> direct = Api.HTTP.send(HttpRequest.newBuilder(app.resolve(variables))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("X-Forwarded-For", CLIENT).header("User-Agent", "steward-it")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"from_untrusted\",\"value\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, direct.statusCode(), direct.body());

        // from 127.0.0.2, trusted: the right-most address that is not a proxy (a forged left part is passed over)
        assertEquals(201, postFrom("127.0.0.2", app, variables, key, CLIENT, "from_proxy"));
        assertEquals(201, postFrom("127.0.0.2", app, variables, key, "198.51.100.1, " + CLIENT + ", 127.0.0.2",
                "from_proxy_chain"));
        // from the proxy without the header: the proxy itself
        assertEquals(201, postFrom("127.0.0.2", app, variables, key, null, "from_proxy_itself"));

        List<JsonObject> created = Workspaces.api(ws, key).get("/audit").expect(200).body().lines()
                .map(l -> Json.createReader(new StringReader(l)).readObject())
                .filter(l -> l.getString("action").equals("prefect.variable.created")).toList();
        assertEquals("127.0.0.1", originOf(created, "from_untrusted"));
        assertEquals(CLIENT, originOf(created, "from_proxy"));
        assertEquals(CLIENT, originOf(created, "from_proxy_chain"));
        assertEquals("127.0.0.2", originOf(created, "from_proxy_itself"));
    }

    private static String originOf(List<JsonObject> records, String variable) {
        JsonObject r = records.stream().filter(l -> l.getString("after").contains("\"" + variable + "\""))
                .findFirst().orElseThrow(() -> new AssertionError("no audit record for " + variable + ": " + records));
        return r.getString("origin_ip");
    }

    /**
     * POSTs a variable over a raw HTTP/1.1 socket whose local address is {@code localAddress} (java.net.http cannot
     * bind one); returns the status code.
     */
    private static int postFrom(String localAddress, URI app, String path, String key, String forwardedFor,
                                String variable) throws IOException {
        byte[] body = ("{\"name\":\"" + variable + "\",\"value\":1}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(app.getHost(), app.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            String head = "POST " + path + " HTTP/1.1\r\n"
                    + "Host: " + app.getHost() + ":" + app.getPort() + "\r\n"
                    + "Authorization: Bearer " + key + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
                    + "User-Agent: steward-it\r\n"
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String statusLine = answer.lines().findFirst().orElse("");
            assertTrue(statusLine.startsWith("HTTP/1.1 "), answer);
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
