package dev.steward.automations;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One outbound HTTP request to a URL that a workspace chose (a Webhook or notification block's), made so that it
 * cannot be turned against Steward's own network and never leaks the URL or its secrets in what it reports.
 *
 * <ul>
 * <li><b>No private targets.</b> The host is resolved once; if any address it resolves to is loopback, private
 * (RFC 1918, fc00::/7), link-local, unspecified, multicast, CGNAT (100.64/10), reserved, or an IPv6 form embedding
 * one of those (IPv4-mapped, IPv4-compatible, NAT64, 6to4), the call is refused, unless the operator allows private
 * targets ({@value #ALLOW_PRIVATE}, env {@code STEWARD_WEBHOOKS_ALLOW_PRIVATE}, default false) and the request does
 * too (a block's {@code allow_private_urls}, which Prefect defaults to true).</li>
 * <li><b>No DNS rebinding.</b> The addresses checked are handed to the HTTP client as the only answer its resolver
 * gives, so the connection goes to a checked address; the Host header, TLS SNI and the certificate check still use
 * the URL's host name.</li>
 * <li><b>Bounded.</b> One deadline (10 s unless constructed otherwise) covers resolving, connecting, TLS, sending
 * and reading; at most {@value #MAX_RESPONSE_BYTES} bytes of the answer are read. No redirect is followed (to any
 * host): a 3xx is reported as the answer it is, as Prefect's httpx clients do. No proxy, no cookies, no retries.</li>
 * <li><b>Quiet failures.</b> A failure reason is one of a few fixed sentences: never the URL, a header or a
 * secret, because reasons end up in events and the console.</li>
 * </ul>
 *
 * <p>An application-scoped bean because it holds no per-call state and its one setting comes from configuration:
 * the container builds it with the no-argument constructor (MicroProfile Config); tests, which run without a
 * container, build it with {@link #OutboundCalls(boolean, Duration)}.
 */
@ApplicationScoped
public class OutboundCalls {
    /** Whether the operator allows calls to private addresses (MicroProfile Config; env STEWARD_WEBHOOKS_ALLOW_PRIVATE). */
    public static final String ALLOW_PRIVATE = "steward.webhooks.allow-private";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The most of an answer read; the rest is left unread and the connection closed. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Prefect keeps this many characters of a webhook's answer ({@code truncated_to(1000, ...)}). */
    public static final int EXCERPT_CHARS = 1000;

    static final String PRIVATE_REFUSED =
            "the webhook's host resolves to a private address (set STEWARD_WEBHOOKS_ALLOW_PRIVATE to allow it)";
    static final String PRIVATE_REFUSED_BY_BLOCK =
            "the webhook's host resolves to a private address, which its block does not allow (allow_private_urls)";

    /** Looks a host name up; the system's resolver except in tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /**
     * What to send. {@code headers} keep their order; Host, Content-Length, Transfer-Encoding and Connection are the
     * client's to write and are dropped. {@code body} may be null (none). {@code verifyTls} false accepts any
     * certificate (a Webhook block's {@code verify}); {@code allowPrivate} false refuses private targets even where
     * the operator allows them (a block's {@code allow_private_urls}).
     */
    public record Request(String method, String url, Map<String, String> headers, byte[] body, boolean verifyTls,
                          boolean allowPrivate) {
        public Request {
            headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }
    }

    /**
     * What happened. {@code status} is the answer's status, 0 without an answer; {@code body} is Prefect's excerpt
     * of the answer ({@code truncated_to(1000, text)} over at most {@value #MAX_RESPONSE_BYTES} bytes) and
     * {@code headers} its headers less those Prefect redacts. {@code failure} is null when the call counts as done
     * and otherwise says why in words that hold no URL, header or secret. {@link OutboundCalls#send} counts any answer
     * as done (as Prefect's call-webhook does); {@link Notifications} applies each service's own rule.
     */
    public record Result(int status, String body, Map<String, String> headers, String failure) {
        public static Result failed(String reason) {
            return new Result(0, "", Map.of(), reason);
        }

        /** This answer, failed for {@code reason}. */
        public Result failing(String reason) {
            return new Result(status, body, headers, reason);
        }

        public boolean succeeded() {
            return failure == null;
        }

        /** Whether the webhook answered at all (with any status). */
        public boolean answered() {
            return status > 0;
        }
    }

    /**
     * Runs each call on a thread of its own so that the caller can stop waiting at the deadline whatever the call is
     * blocked in (a host name lookup cannot be interrupted); the request is then cancelled, which closes its socket.
     * Daemon threads, idle ones gone after a minute: they touch no container resource.
     */
    private static final ExecutorService CALLS = Executors.newCachedThreadPool(new ThreadFactoryNamed());

    private static final Set<String> DROPPED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection");

    private final boolean operatorAllowsPrivate;
    private final Duration timeout;
    private final Lookup lookup;
    private final TlsSocketStrategy verifyingTls;

    /** The container's: reads {@value #ALLOW_PRIVATE} (default false) and uses the 10 s deadline. */
    public OutboundCalls() {
        this(ConfigProvider.getConfig().getOptionalValue(ALLOW_PRIVATE, Boolean.class).orElse(false), DEFAULT_TIMEOUT);
    }

    public OutboundCalls(boolean allowPrivate, Duration timeout) {
        this(allowPrivate, timeout, InetAddress::getAllByName);
    }

    OutboundCalls(boolean allowPrivate, Duration timeout, Lookup lookup) {
        this(allowPrivate, timeout, lookup, null);
    }

    /** With {@code trusted}, certificates are checked against it instead of the JVM's trust store (tests). */
    OutboundCalls(boolean allowPrivate, Duration timeout, Lookup lookup, SSLContext trusted) {
        this.operatorAllowsPrivate = allowPrivate;
        this.timeout = timeout;
        this.lookup = lookup;
        this.verifyingTls = trusted == null ? Tls.VERIFYING
                : ClientTlsStrategyBuilder.create().setSslContext(trusted).buildClassic();
    }

    /** Makes the request; never throws for anything the remote side or the URL does. */
    public Result send(Request request) {
        Target target;
        try {
            target = Target.of(request.url());
        } catch (Refused e) {
            return Result.failed(e.getMessage());
        }
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            if (!validHeader(h.getKey(), h.getValue())) return Result.failed("a header of the webhook is not valid");
        }
        HttpUriRequestBase http = new HttpUriRequestBase(request.method().toUpperCase(Locale.ROOT), target.uri());
        Future<Result> call = CALLS.submit(() -> call(request, target, http));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            http.cancel();
            call.cancel(true);
            return Result.failed(timedOut());
        } catch (InterruptedException e) {
            http.cancel();
            call.cancel(true);
            Thread.currentThread().interrupt();
            return Result.failed("the call was interrupted");
        } catch (ExecutionException e) {
            // call() catches what it expects; anything else is a bug here, told without its message
            return Result.failed("the call failed (" + e.getCause().getClass().getSimpleName() + ")");
        }
    }

    private Result call(Request request, Target target, HttpUriRequestBase http) {
        InetAddress[] addresses;
        try {
            addresses = lookup.resolve(target.host());
        } catch (UnknownHostException e) {
            return Result.failed("the webhook's host could not be resolved");
        }
        if (addresses == null || addresses.length == 0) return Result.failed("the webhook's host could not be resolved");
        boolean anyPrivate = Arrays.stream(addresses).anyMatch(OutboundCalls::isPrivateTarget);
        if (anyPrivate && !request.allowPrivate()) return Result.failed(PRIVATE_REFUSED_BY_BLOCK);
        if (anyPrivate && !operatorAllowsPrivate) return Result.failed(PRIVATE_REFUSED);
        if (http.isCancelled()) return Result.failed(timedOut());

        request.headers().forEach((name, value) -> {
            if (!DROPPED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) http.addHeader(name, value);
        });
        if (target.basicAuth() != null && !http.containsHeader("Authorization")) {
            http.addHeader("Authorization", target.basicAuth());
        }
        if (request.body() != null) http.setEntity(new ByteArrayEntity(request.body(), null));

        // A failure after the deadline is never seen: send() has answered "timed out" by then and cancelled this.
        CloseableHttpClient client = client(addresses, request.verifyTls());
        try {
            ClassicHttpResponse response = client.executeOpen(null, http, null);
            try {
                String text = read(response.getEntity());
                return new Result(response.getCode(), truncatedTo(EXCERPT_CHARS, text), keptHeaders(response.getHeaders()),
                        null);
            } catch (IOException e) {
                return Result.failed(e instanceof SocketTimeoutException ? timedOut()
                        : "the webhook's answer could not be read");
            } finally {
                // what is left unread stays unread: a response closed before its end would otherwise be drained
                http.cancel();
                closeQuietly(response);
            }
        } catch (IOException e) {
            return Result.failed(reason(e));
        } catch (RuntimeException e) {
            return Result.failed("the call failed (" + e.getClass().getSimpleName() + ")");
        } finally {
            client.close(CloseMode.IMMEDIATE);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the connection is being thrown away
        }
    }

    /**
     * A client for this one call. Its resolver answers only the addresses already checked (whatever name it is
     * asked: the client reaches one host only, as it follows no redirect and uses no proxy), so it connects to a
     * checked address while TLS and the Host header keep the URL's name. One client per call because the check
     * differs per call (the block's allow_private_urls): a pooled connection would carry one call's check to another.
     */
    private CloseableHttpClient client(InetAddress[] checked, boolean verifyTls) {
        DnsResolver pinned = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) {
                return checked.clone();
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        Timeout t = Timeout.of(timeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setTlsSocketStrategy(verifyTls ? verifyingTls : Tls.TRUSTING)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .build())
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(t).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("Steward")
                .build();
    }

    /** TLS as the JVM trusts (its default trust store and javax.net.ssl settings), or, for verify=false, anything. */
    private static final class Tls {
        static final TlsSocketStrategy VERIFYING = ClientTlsStrategyBuilder.create()
                .setSslContext(SSLContexts.createSystemDefault()).buildClassic();
        static final TlsSocketStrategy TRUSTING = ClientTlsStrategyBuilder.create()
                .setSslContext(trustAll())
                .setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                .buildClassic();

        private static SSLContext trustAll() {
            try {
                return SSLContextBuilder.create().loadTrustMaterial(TrustAllStrategy.INSTANCE).build();
            } catch (Exception e) {
                throw new IllegalStateException("no TLS context", e);
            }
        }
    }

    private static String read(HttpEntity entity) throws IOException {
        if (entity == null) return "";
        InputStream in = entity.getContent();
        if (in == null) return "";
        byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES);
        Charset charset = StandardCharsets.UTF_8;
        try {
            ContentType type = ContentType.parseLenient(entity.getContentType());
            if (type != null && type.getCharset() != null) charset = type.getCharset();
        } catch (RuntimeException ignored) {
            // an unknown charset: UTF-8, as httpx guesses
        }
        return new String(bytes, charset);
    }

    /** The answer's headers but those Prefect's should_redact_header drops, and cookies. */
    private static Map<String, String> keptHeaders(Header[] headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Header h : headers) {
            String name = h.getName().toLowerCase(Locale.ROOT);
            if (Set.of("authorization", "traceparent", "via", "set-cookie", "cookie").contains(name)
                    || name.startsWith("x-forwarded") || name.startsWith("x-b3") || name.startsWith("x-cloud-trace")
                    || name.startsWith("x-envoy") || name.startsWith("x-prefect")) {
                continue;
            }
            kept.merge(name, h.getValue(), (a, b) -> a + ", " + b);
        }
        return kept;
    }

    /** Prefect's truncated_to: the text, or its first and last halves around how many characters were left out. */
    static String truncatedTo(int length, String value) {
        if (value == null || value.isEmpty()) return "";
        if (value.length() <= length) return value;
        int half = length / 2;
        String beginning = value.substring(0, half);
        String end = value.substring(value.length() - half);
        String proposed = beginning + "..." + (value.length() - 2 * half) + " additional characters..." + end;
        return proposed.length() < value.length() ? proposed : value;
    }

    /** Why an I/O failure happened, from its kind only: exception messages name hosts and addresses. */
    private String reason(IOException e) {
        if (e instanceof ConnectTimeoutException || e instanceof SocketTimeoutException) return timedOut();
        if (e instanceof ConnectException) return "connection refused";
        if (e instanceof NoRouteToHostException) return "no route to the webhook's host";
        if (e instanceof UnknownHostException) return "the webhook's host could not be resolved";
        if (e instanceof SSLHandshakeException) return "the TLS handshake with the webhook failed";
        if (e instanceof SSLException) return "TLS failed";
        if (e instanceof InterruptedIOException) return timedOut();
        return "the connection to the webhook failed";
    }

    private String timedOut() {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? "timed out after " + millis / 1000 + " s" : "timed out after " + millis + " ms";
    }

    static boolean validHeader(String name, String value) {
        if (name == null || name.isEmpty() || value == null) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) return false;
        }
        return true;
    }

    // --- the target and its addresses -----------------------------------------------------------------------------

    /** A failure whose message is safe to report (it holds no URL). */
    static final class Refused extends IOException {
        Refused(String reason) {
            super(reason);
        }
    }

    /** The URL to request (without user info), its host for the lookup, and the user info as a Basic header. */
    private record Target(URI uri, String host, String basicAuth) {
        static Target of(String url) throws Refused {
            URI uri;
            try {
                uri = new URI(url == null ? "" : url.strip());
            } catch (URISyntaxException e) {
                throw new Refused("the webhook's URL is not valid");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new Refused("the webhook's URL is not an http or https URL");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) throw new Refused("the webhook's URL is not valid");
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            String basicAuth = null;
            if (uri.getRawUserInfo() != null) {
                // as httpx does with user:password@ in a URL; HttpClient refuses user info in a request URI
                String[] parts = uri.getRawUserInfo().split(":", 2);
                String user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                String password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
                basicAuth = "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
                try {
                    uri = new URI(scheme + "://" + uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1)
                            + (uri.getRawPath() == null ? "" : uri.getRawPath())
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
                } catch (URISyntaxException e) {
                    throw new Refused("the webhook's URL is not valid");
                }
            }
            return new Target(uri, host, basicAuth);
        }
    }

    /**
     * Whether a call to this address could reach Steward's own host or network: loopback, unspecified (0/8, ::),
     * RFC 1918, CGNAT 100.64/10, link-local (169.254/16, fe80::/10), multicast, reserved (240/4 and broadcast),
     * unique local fc00::/7, site-local fec0::/10, the whole ::/96 (IPv4-compatible, with :: and ::1), and any IPv6
     * form that embeds an IPv4 address which is itself one of those (::ffff:0:0/96 mapped, 64:ff9b::/96 NAT64,
     * 2002::/16 6to4).
     */
    public static boolean isPrivateTarget(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) return isPrivateV4(b);
        if (!(address instanceof Inet6Address) || b.length != 16) return true;
        if (allZero(b, 0, 12)) return true; // ::/96: ::, ::1 and the deprecated IPv4-compatible forms
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isPrivateV4(Arrays.copyOfRange(b, 12, 16)); // ::ffff:a.b.c.d
        }
        if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return isPrivateV4(Arrays.copyOfRange(b, 12, 16)); // 64:ff9b::a.b.c.d (NAT64)
        }
        if (b[0] == 0x20 && b[1] == 0x02) return isPrivateV4(Arrays.copyOfRange(b, 2, 6)); // 2002:AABB:CCDD::/48 (6to4)
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if ((first & 0xfe) == 0xfc) return true;                       // fc00::/7 unique local
        if (first == 0xfe && (second & 0xc0) == 0x80) return true;     // fe80::/10 link-local
        if (first == 0xfe && (second & 0xc0) == 0xc0) return true;     // fec0::/10 site-local (deprecated)
        return first == 0xff;                                          // ff00::/8 multicast
    }

    private static boolean isPrivateV4(byte[] b) {
        int a = b[0] & 0xff;
        int c = b[1] & 0xff;
        return a == 0                                  // 0/8 "this network" (0.0.0.0 reaches the local host)
                || a == 10                             // RFC 1918
                || a == 127                            // loopback
                || (a == 100 && (c & 0xc0) == 64)      // 100.64/10 CGNAT
                || (a == 169 && c == 254)              // link-local, cloud metadata services
                || (a == 172 && (c & 0xf0) == 16)      // RFC 1918
                || (a == 192 && c == 168)              // RFC 1918
                || a >= 224;                           // multicast 224/4, reserved 240/4, broadcast
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) return false;
        }
        return true;
    }

    private static final class ThreadFactoryNamed implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "steward-outbound-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
