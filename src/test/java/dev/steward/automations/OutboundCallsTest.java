package dev.steward.automations;

import dev.steward.automations.OutboundCalls.Request;
import dev.steward.automations.OutboundCalls.Result;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OutboundCalls against a real HTTP server on 127.0.0.1: the private-target check, pinning, the deadline, caps. */
class OutboundCallsTest {
    /** Stands for the secret token a webhook URL carries in its path; it must never be in a failure reason. */
    static final String TOKEN = "T0KEN5ecret9f3a";
    static final String HEADER_SECRET = "Bearer hdr-5ecret-77aa";

    Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    static Request post(String url, boolean allowPrivate) {
        return new Request("POST", url, Map.of("Authorization", HEADER_SECRET), "{}".getBytes(StandardCharsets.UTF_8),
                true, allowPrivate);
    }

    static OutboundCalls calls(boolean allowPrivate) {
        return new OutboundCalls(allowPrivate, Duration.ofSeconds(1));
    }

    @Test
    void loopbackIsRefusedByDefault() throws Exception {
        Result r = calls(false).send(post(receiver.url("/hook/" + TOKEN), true));
        assertEquals(OutboundCalls.PRIVATE_REFUSED, r.failure());
        assertEquals(0, r.status());
        assertTrue(receiver.nothingReceived());
    }

    @Test
    void loopbackIsAllowedWithTheOperatorsFlag() throws Exception {
        receiver.answer(new Receiver.Answer(201, "created", 0, "X-Reply", "yes", "Set-Cookie", "s=1"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", HEADER_SECRET);
        headers.put("Content-Type", "application/json");
        headers.put("Host", "evil.example");
        Result r = calls(true).send(new Request("PUT", receiver.url("/hook/" + TOKEN + "?a=1"), headers,
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8), true, true));
        assertNull(r.failure());
        assertEquals(201, r.status());
        assertEquals("created", r.body());
        assertEquals("yes", r.headers().get("x-reply"));
        assertFalse(r.headers().containsKey("set-cookie"));
        Receiver.Received got = receiver.next();
        assertEquals("PUT", got.method());
        assertEquals("/hook/" + TOKEN, got.path());
        assertEquals("a=1", got.query());
        assertEquals("{\"x\":1}", got.body());
        assertEquals(HEADER_SECRET, got.header("Authorization"));
        assertEquals("application/json", got.header("Content-Type"));
        assertEquals("127.0.0.1:" + receiver.port(), got.header("Host"), "the Host header is the URL's, not a block's");
        assertEquals("Steward", got.header("User-Agent"));
    }

    @Test
    void aBlockThatForbidsPrivateTargetsIsObeyedEvenWithTheFlag() throws Exception {
        Result r = calls(true).send(post(receiver.url("/hook/" + TOKEN), false));
        assertEquals(OutboundCalls.PRIVATE_REFUSED_BY_BLOCK, r.failure());
        assertTrue(receiver.nothingReceived());
    }

    @Test
    void aHostNameResolvingToLoopbackIsRefusedWithoutTheFlag() throws Exception {
        String url = "http://localhost:" + receiver.port() + "/hook/" + TOKEN;
        assertEquals(OutboundCalls.PRIVATE_REFUSED, calls(false).send(post(url, true)).failure());
        assertTrue(receiver.nothingReceived());

        Result allowed = calls(true).send(post(url, true));
        assertEquals(200, allowed.status(), String.valueOf(allowed.failure()));
        assertEquals("localhost:" + receiver.port(), receiver.next().header("Host"));
    }

    @Test
    void theAddressCheckedIsTheOneConnectedToAndTheNameIsKept() throws Exception {
        // a resolver that would answer a private address the second time it is asked (DNS rebinding): it is asked once
        AtomicInteger lookups = new AtomicInteger();
        OutboundCalls.Lookup rebinding = host -> {
            int n = lookups.incrementAndGet();
            return new InetAddress[] {InetAddress.getByName(n == 1 ? "127.0.0.1" : "10.9.9.9")};
        };
        Result r = new OutboundCalls(true, Duration.ofSeconds(1), rebinding)
                .send(post("http://hooks.example.test:" + receiver.port() + "/hook/" + TOKEN, true));
        assertEquals(200, r.status(), String.valueOf(r.failure()));
        assertEquals(1, lookups.get());
        assertEquals("hooks.example.test:" + receiver.port(), receiver.next().header("Host"));
    }

    @Test
    void oneHostileAddressAmongPublicOnesRefusesTheCall() throws Exception {
        OutboundCalls.Lookup mixed = host -> new InetAddress[] {
                InetAddress.getByName("203.0.113.7"), InetAddress.getByName("169.254.169.254")};
        Result r = new OutboundCalls(false, Duration.ofSeconds(1), mixed)
                .send(post("http://metadata.example.test/hook/" + TOKEN, true));
        assertEquals(OutboundCalls.PRIVATE_REFUSED, r.failure());
    }

    @Test
    void privateAndPublicAddressesAreClassified() throws Exception {
        List<String> hostile = List.of("127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                "239.255.255.250", "240.0.0.1", "255.255.255.255", "::1", "::", "::127.0.0.1", "fc00::1", "fd12:3456::1",
                "fe80::1", "febf::1", "fec0::1", "ff02::1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
                "2002:c0a8:101::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254");
        List<String> fine = List.of("8.8.8.8", "1.1.1.1", "203.0.113.7", "100.63.255.255", "100.128.0.1",
                "172.15.255.255", "172.32.0.1", "192.167.1.1", "192.169.0.1", "169.253.1.1", "223.255.255.255",
                "2606:4700:4700::1111", "2001:db8::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8");
        List<String> wrong = new ArrayList<>();
        for (String a : hostile) if (!OutboundCalls.isPrivateTarget(InetAddress.getByName(a))) wrong.add(a + " taken as public");
        for (String a : fine) if (OutboundCalls.isPrivateTarget(InetAddress.getByName(a))) wrong.add(a + " taken as private");
        assertEquals(List.of(), wrong);
    }

    @Test
    void ipv4MappedAddressesKeptInIpv6FormAreClassifiedByTheirIpv4Address() throws Exception {
        // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; an Inet6Address can still carry it
        assertTrue(OutboundCalls.isPrivateTarget(mapped(127, 0, 0, 1)));
        assertTrue(OutboundCalls.isPrivateTarget(mapped(192, 168, 0, 1)));
        assertTrue(OutboundCalls.isPrivateTarget(mapped(100, 64, 1, 1)));
        assertFalse(OutboundCalls.isPrivateTarget(mapped(8, 8, 4, 4)));
    }

    static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        InetAddress address = Inet6Address.getByAddress(null, bytes, -1);
        assertTrue(address instanceof Inet6Address);
        return address;
    }

    @Test
    void aSlowWebhookTimesOut() {
        receiver.answer(new Receiver.Answer(200, "late", 5_000));
        long start = System.nanoTime();
        Result r = calls(true).send(post(receiver.url("/hook/" + TOKEN), true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timed out after 1 s", r.failure());
        assertTrue(millis < 3_000, "took " + millis + " ms");
    }

    @Test
    void theDeadlineCoversTheWholeCallNotEachRead() {
        // headers at once, then a byte every 200 ms for 6 s: no single read waits long, the call as a whole does
        receiver.answerBy(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 30; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            }
        });
        long start = System.nanoTime();
        Result r = calls(true).send(post(receiver.url("/hook/" + TOKEN), true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timed out after 1 s", r.failure());
        assertTrue(millis < 3_000, "took " + millis + " ms");
    }

    @Test
    void theDefaultDeadlineIsTenSeconds() {
        receiver.answer(new Receiver.Answer(200, "late", 30_000));
        long start = System.nanoTime();
        Result r = new OutboundCalls(true, OutboundCalls.DEFAULT_TIMEOUT).send(post(receiver.url("/h/" + TOKEN), true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("timed out after 10 s", r.failure());
        assertTrue(millis >= 9_900 && millis < 11_000, "took " + millis + " ms");
    }

    @Test
    void aHugeAnswerIsReadOnlyUpToTheCapAndKeptAsPrefectsExcerpt() throws Exception {
        receiver.answerBy(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = "0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 2000; i++) out.write(chunk); // 20 MB, far past the cap
            }
        });
        Result r = calls(true).send(post(receiver.url("/hook/" + TOKEN), true));
        assertNull(r.failure());
        assertEquals(200, r.status());
        String omitted = (OutboundCalls.MAX_RESPONSE_BYTES - 1000) + " additional characters";
        assertTrue(r.body().startsWith("0123456789".repeat(50) + "..." + omitted), r.body().substring(0, 600));
        assertEquals(500 + 3 + omitted.length() + 3 + 500, r.body().length());
    }

    @Test
    void prefectsTruncation() {
        assertEquals("", OutboundCalls.truncatedTo(10, null));
        assertEquals("short", OutboundCalls.truncatedTo(10, "short"));
        assertEquals("abcde...100 additional characters...vwxyz",
                OutboundCalls.truncatedTo(10, "abcde" + "-".repeat(100) + "vwxyz"));
        assertEquals("abcde" + "-".repeat(20) + "vwxyz", OutboundCalls.truncatedTo(10, "abcde" + "-".repeat(20) + "vwxyz"),
                "kept whole when the shortened form would be longer");
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        receiver.answer(new Receiver.Answer(302, "", 0, "Location", receiver.url("/elsewhere")));
        Result r = calls(true).send(post(receiver.url("/hook/" + TOKEN), true));
        assertNull(r.failure());
        assertEquals(302, r.status());
        assertEquals("/hook/" + TOKEN, receiver.next().path());
        assertTrue(receiver.nothingReceived(), "the redirect's target was requested");
    }

    @Test
    void userInfoInTheUrlBecomesBasicAuthentication() throws Exception {
        Result r = calls(true).send(new Request("GET", "http://user:p%40ss@127.0.0.1:" + receiver.port() + "/h", Map.of(),
                null, true, true));
        assertEquals(200, r.status(), String.valueOf(r.failure()));
        assertEquals("Basic dXNlcjpwQHNz", receiver.next().header("Authorization"));
    }

    @Test
    void failureReasonsNameNoUrlHeaderOrSecret() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        receiver.answer(new Receiver.Answer(200, "late", 5_000));
        OutboundCalls.Lookup unknown = host -> {
            throw new UnknownHostException(host + " " + TOKEN);
        };
        Map<String, Result> results = new LinkedHashMap<>();
        results.put("private", calls(false).send(post(receiver.url("/hook/" + TOKEN), true)));
        results.put("refused", calls(true).send(post("http://127.0.0.1:" + closedPort + "/hook/" + TOKEN, true)));
        results.put("timeout", calls(true).send(post(receiver.url("/hook/" + TOKEN), true)));
        results.put("unresolvable", new OutboundCalls(true, Duration.ofSeconds(1), unknown)
                .send(post("http://" + TOKEN + ".example.test/hook/" + TOKEN, true)));
        results.put("scheme", calls(true).send(post("ftp://127.0.0.1/hook/" + TOKEN, true)));
        results.put("invalid", calls(true).send(post("http://127.0.0.1:" + receiver.port() + "/hook/ " + TOKEN + "|x", true)));
        results.put("bad header", calls(true).send(new Request("POST", receiver.url("/hook/" + TOKEN),
                Map.of("X-Token", HEADER_SECRET + "\r\nX-Injected: 1"), null, true, true)));

        assertEquals("connection refused", results.get("refused").failure());
        assertEquals("timed out after 1 s", results.get("timeout").failure());
        assertEquals("the webhook's host could not be resolved", results.get("unresolvable").failure());
        assertEquals("the webhook's URL is not an http or https URL", results.get("scheme").failure());
        assertEquals("the webhook's URL is not valid", results.get("invalid").failure());
        assertEquals("a header of the webhook is not valid", results.get("bad header").failure());
        results.forEach((what, r) -> {
            assertNotNull(r.failure(), what);
            for (String leak : List.of(TOKEN, HEADER_SECRET, "hdr-5ecret", "127.0.0.1", String.valueOf(receiver.port()),
                    String.valueOf(closedPort), "/hook", "http:", "ftp:")) {
                assertFalse(r.failure().contains(leak), what + ": '" + r.failure() + "' contains " + leak);
            }
        });
    }

    @Test
    void tlsKeepsTheHostNameForSniAndTheCertificateCheckWhileConnectingToThePinnedAddress(@TempDir Path dir)
            throws Exception {
        // a self-signed certificate for hooks.example.test only (the JDK sends no SNI for a name without a dot)
        Path store = dir.resolve("hook.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hook", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=hooks.example.test", "-ext", "SAN=dns:hooks.example.test", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        List<String> sni = new CopyOnWriteArrayList<>();
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sni.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(p);
            }
        });
        https.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("ok".getBytes(StandardCharsets.US_ASCII));
            }
        });
        https.start();
        try {
            int port = https.getAddress().getPort();
            OutboundCalls.Lookup toLoopback = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};

            Result named = new OutboundCalls(true, Duration.ofSeconds(5), toLoopback, trusting)
                    .send(post("https://hooks.example.test:" + port + "/h/" + TOKEN, true));
            assertEquals(200, named.status(), String.valueOf(named.failure()));
            assertEquals(List.of("hooks.example.test"), sni);

            sni.clear();
            Result otherName = new OutboundCalls(true, Duration.ofSeconds(5), toLoopback, trusting)
                    .send(post("https://other.example.test:" + port + "/h/" + TOKEN, true));
            assertEquals(0, otherName.status(), "a certificate for another name was accepted");
            assertTrue(List.of("the TLS handshake with the webhook failed", "TLS failed").contains(otherName.failure()),
                    otherName.failure());
            assertEquals(List.of("other.example.test"), sni);

            Result untrusted = new OutboundCalls(true, Duration.ofSeconds(5), toLoopback)
                    .send(post("https://hooks.example.test:" + port + "/h/" + TOKEN, true));
            assertEquals("the TLS handshake with the webhook failed", untrusted.failure());

            Request unverified = new Request("POST", "https://other.example.test:" + port + "/h/" + TOKEN, Map.of(), null,
                    false, true);
            Result accepted = new OutboundCalls(true, Duration.ofSeconds(5), toLoopback).send(unverified);
            assertEquals(200, accepted.status(), "verify=false accepts any certificate: " + accepted.failure());
        } finally {
            https.stop(0);
        }
    }
}
