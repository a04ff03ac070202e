package dev.steward.automations;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 and a free port (the JDK's): it records every request it receives and answers
 * each with what the test set last ({@link #answer}), after an optional delay.
 */
final class Receiver implements AutoCloseable {
    /** One request as received. */
    record Received(String method, String path, String query, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How to answer: a status, a body, extra headers as name/value pairs, and how long to wait before answering. */
    record Answer(int status, String body, long delayMillis, String... headers) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile Answer answer = new Answer(200, "ok", 0);
    private volatile Handler custom;

    /** For tests that answer by hand (a body dripped slowly, a huge body). */
    interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><path>} */
    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    void answer(Answer a) {
        this.answer = a;
        this.custom = null;
    }

    void answerBy(Handler handler) {
        this.custom = handler;
    }

    /** The next request received, waiting up to 5 s; null if none came. */
    Received next() throws InterruptedException {
        return received.poll(5, TimeUnit.SECONDS);
    }

    /** Whether no request has come (and none is still being recorded). */
    boolean nothingReceived() throws InterruptedException {
        return received.poll(200, TimeUnit.MILLISECONDS) == null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body));
            Handler h = custom;
            if (h != null) {
                h.handle(exchange);
                return;
            }
            Answer a = answer;
            if (a.delayMillis() > 0) Thread.sleep(a.delayMillis());
            for (int i = 0; i + 1 < a.headers().length; i += 2) exchange.getResponseHeaders().add(a.headers()[i], a.headers()[i + 1]);
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a test of timeouts or caps): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
