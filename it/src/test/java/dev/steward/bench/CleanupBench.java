package dev.steward.bench;

import dev.steward.cleanup.CleanupMessage;
import dev.steward.cleanup.CleanupPolicy;
import dev.steward.cleanup.CleanupQueue;
import dev.steward.cleanup.OperationResult;
import dev.steward.cleanup.PoolKey;
import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The cleanup queue's benchmark driver (issue 5), run by {@code bench/cleanup.sh} against the dev stack. Per run:
 * <ol>
 *   <li>wake-up latency: one worker on the worker channel of a fresh pool (max_cleanup_concurrency 1), the queue
 *       idle; the driver enqueues one message at a time into the stack's Redis with the product's
 *       {@link CleanupQueue#enqueue} (the producer's path: MULTI with the wake-up PUBLISH), a random 20-50 ms apart
 *       so each is a cold wake-up, and times from enqueue's return (its EXEC acknowledged) until the worker has the
 *       {@code cleanup.message.v1}; it then acks and waits for the {@code operation_result} before the next;</li>
 *   <li>queue throughput: M messages enqueued beforehand (into a pool of a random workspace id that no server
 *       dispatches), then K threads in this JVM doing {@link CleanupQueue#reserve} + {@link CleanupQueue#ack} as the
 *       dispatcher does until it is empty; msgs/s = M / time;</li>
 *   <li>end-to-end throughput: M messages enqueued into a second fresh pool, then C worker-channel connections with a
 *       high max_cleanup_concurrency that ack each delivery as it arrives; msgs/s = M / (first delivery to last
 *       accepted ack);</li>
 *   <li>{@code redis-benchmark} on the same Redis (its default 50 clients, no pipelining, SET, GET, INCR): raw
 *       Redis ops/s, the peer of the queue's figures, with the queue's Redis commands per message (INFO
 *       commandstats before and after each throughput phase) so the ratio can be read.</li>
 * </ol>
 * A warm-up run (smaller, discarded) precedes the measured runs; medians over the runs are printed and written as
 * JSON. What the bench wrote to Redis (its messages, indexes and redis-benchmark's two keys) and its pools are removed.
 */
public final class CleanupBench {
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);

    private final Map<String, String> opts;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String appUrl;
    private final String workspace;
    private final String apiKey;
    private final URI redisUri;
    private final Redis redis;
    private final CleanupQueue queue;
    private final UUID workspaceId;

    private CleanupBench(Map<String, String> opts) throws Exception {
        this.opts = opts;
        appUrl = required("app");
        workspace = required("workspace");
        apiKey = required("api-key");
        redisUri = URI.create(required("redis"));
        redis = Redis.at(redisUri.toString());
        // the server's defaults (CleanupSettings): a 30 s lease, 3 attempts, acked keys kept for a day
        queue = new CleanupQueue(redis, Clock.systemUTC(), new CleanupPolicy(Duration.ofSeconds(30), 3,
                Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Duration.ofDays(1)));
        workspaceId = workspaceId(required("db-url"), required("db-user"), required("db-password"), workspace);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value: " + args[i]);
            opts.put(args[i].substring(2), args[i + 1]);
        }
        CleanupBench bench = new CleanupBench(opts);
        try {
            bench.run();
        } finally {
            bench.redis.close();
        }
        System.exit(0); // the JDK HttpClient's selector thread would keep the JVM up a while
    }

    private String required(String name) {
        String v = opts.get(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    private int integer(String name, int dflt) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : dflt;
    }

    /** The most messages a queue-phase thread reserves in one call, in the second queue phase. */
    private int batch;

    private static void log(String message) {
        System.err.printf("[bench %tT] %s%n", System.currentTimeMillis(), message);
    }

    // ---- the runs

    /** One run's figures. */
    private record Run(Latency wakeup, Throughput queue, Throughput queueBatched, Throughput endToEnd,
                       Map<String, Double> redisBenchmark) {}

    /**
     * Wake-up latencies: from the call of enqueue (an upper bound: it includes the producer's own round trips before
     * its EXEC) and from its return (a lower bound: the EXEC's reply may reach the driver after the server has
     * already acted on the PUBLISH, the driver's thread waiting for a core), in ms.
     */
    private record Latency(int samples, int missed, double p50Ms, double p99Ms, double maxMs, double p50FromReturnMs,
                           double p99FromReturnMs) {}

    /** Messages through, the rate, and the Redis commands the phase issued per message (by command). */
    private record Throughput(int messages, int done, double seconds, double perSecond, double enqueuePerSecond,
                              Map<String, Double> commandsPerMessage) {
        double commandsTotal() {
            return commandsPerMessage.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private void run() throws Exception {
        int runs = integer("runs", 5);
        int samples = integer("samples", 500);
        int messages = integer("messages", 20_000);
        int threads = integer("threads", 8);
        int connections = integer("connections", 4);
        int concurrency = integer("concurrency", 100);
        int gapMin = integer("gap-min-ms", 20);
        int gapMax = integer("gap-max-ms", 50);
        int benchRequests = integer("redis-requests", 200_000);
        batch = integer("batch", 10);
        String settings = String.format("%d runs after a warm-up; wake-up: %d samples, %d-%d ms apart; throughput: "
                + "%d messages, queue with %d threads reserving 1 and then up to %d at a time, end to end with %d "
                + "connections x max_cleanup_concurrency %d; redis-benchmark -n %d", runs, samples, gapMin, gapMax,
                messages, threads, batch, connections, concurrency, benchRequests);
        System.out.println(settings);
        System.out.println("Redis " + redisUri.getHost() + ":" + redisUri.getPort() + " (" + redisInfo("server", "redis_version")
                + ", appendonly " + redisConfig("appendonly") + "), workspace " + workspace + " (" + workspaceId + ")");

        log("warm-up run (discarded)");
        oneRun(Math.max(50, samples / 5), Math.max(2000, messages / 5), threads, connections, concurrency, gapMin,
                gapMax, 0);
        List<Run> results = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            log("run " + r + " of " + runs);
            Run run = oneRun(samples, messages, threads, connections, concurrency, gapMin, gapMax, benchRequests);
            results.add(run);
            System.out.println(describe("run " + r, run));
        }
        report(results, settings, threads, connections, concurrency);
    }

    private Run oneRun(int samples, int messages, int threads, int connections, int concurrency, int gapMin,
                       int gapMax, int benchRequests) throws Exception {
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        Latency wakeup = withPool("bench-wakeup-" + tag, p -> wakeup(p, samples, gapMin, gapMax));
        Throughput q = queueThroughput(messages, threads, 1);
        Throughput qBatched = queueThroughput(messages, threads, batch);
        Throughput e2e = withPool("bench-flow-" + tag, p -> endToEnd(p, messages, connections, concurrency));
        Map<String, Double> rb = benchRequests > 0 ? redisBenchmark(benchRequests) : Map.of();
        return new Run(wakeup, q, qBatched, e2e, rb);
    }

    // ---- 1. wake-up latency

    private Latency wakeup(Pool p, int samples, int gapMin, int gapMax) throws Exception {
        try (ChannelWorker worker = ChannelWorker.connect(http, appUrl, workspace, p.name, apiKey, "bench-wakeup", 1,
                null)) {
            UUID queueId = UUID.fromString(worker.defaultQueueId());
            double[] ms = new double[samples];
            double[] fromReturn = new double[samples];
            int missed = 0;
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(gapMin, gapMax + 1));
                UUID id = UUID.randomUUID();
                p.messages.add(id);
                JsonObject target = target();
                long called = System.nanoTime();
                queue.enqueue(p.key, queueId, id, "bench-" + id, ChannelWorker.KIND, target,
                        JsonObject.EMPTY_JSON_OBJECT);
                long returned = System.nanoTime();
                ChannelWorker.Received delivery = worker.next("cleanup.message.v1", DELIVERY_WAIT);
                if (delivery == null) throw new IllegalStateException("no delivery within " + DELIVERY_WAIT);
                if (!delivery.payload().getString("message_id").equals(id.toString())) {
                    throw new IllegalStateException("delivered another message: " + delivery.payload());
                }
                long nanos = delivery.nanos() - called;
                // the 1 s fallback poll, not the wake-up, delivered it
                if (nanos >= 900_000_000L) missed++;
                ms[i] = nanos / 1e6;
                fromReturn[i] = (delivery.nanos() - returned) / 1e6;
                worker.ack(delivery.payload());
                ChannelWorker.Received result = worker.next("cleanup.operation_result.v1", DELIVERY_WAIT);
                if (result == null || !"accepted".equals(result.payload().getString("status"))) {
                    throw new IllegalStateException("ack not accepted: " + result);
                }
            }
            Arrays.sort(ms);
            Arrays.sort(fromReturn);
            return new Latency(samples, missed, percentile(ms, 50), percentile(ms, 99), ms[ms.length - 1],
                    percentile(fromReturn, 50), percentile(fromReturn, 99));
        }
    }

    /** Nearest rank. */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static JsonObject target() {
        return Json.createObjectBuilder().add("flow_run_id", UUID.randomUUID().toString())
                .add("infrastructure_pid", "bench:1").build();
    }

    // ---- 2a. the queue alone

    /**
     * Each thread reserves up to {@code atOnce} messages in one call, as the dispatcher does for a worker with that
     * much spare capacity, and acks them one by one, as workers do.
     */
    private Throughput queueThroughput(int messages, int threads, int atOnce) throws Exception {
        // a pool of a workspace id that exists nowhere: no server has a worker for it, so none dispatches it
        Pool p = new Pool(null, new PoolKey(UUID.randomUUID(), UUID.randomUUID()));
        UUID queueId = UUID.randomUUID();
        Set<String> kinds = Set.of(ChannelWorker.KIND);
        Set<UUID> queues = Set.of(queueId);
        try {
            double enqueueRate = fill(p, queueId, messages, threads);
            AtomicInteger done = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            Map<String, Long> before = commandStats();
            long start = System.nanoTime();
            parallel(threads, t -> () -> {
                for (List<CleanupMessage> reserved = queue.reserve(p.key, "bench-" + t, kinds, queues, true, atOnce);
                     !reserved.isEmpty(); reserved = queue.reserve(p.key, "bench-" + t, kinds, queues, true, atOnce)) {
                    for (CleanupMessage m : reserved) {
                        OperationResult r = queue.ack(p.key, m.messageId(), m.reservationToken());
                        if (r.status() == OperationResult.Status.ACCEPTED) done.incrementAndGet();
                        else refused.incrementAndGet();
                    }
                }
                return null;
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Long> after = commandStats();
            if (refused.get() > 0) throw new IllegalStateException(refused + " acks refused");
            return new Throughput(messages, done.get(), seconds, done.get() / seconds, enqueueRate,
                    perMessage(before, after, messages));
        } finally {
            p.clean();
        }
    }

    /** Enqueues {@code messages} into the pool from {@code threads} threads; the enqueue rate. */
    private double fill(Pool p, UUID queueId, int messages, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        parallel(threads, t -> () -> {
            while (next.getAndIncrement() < messages) {
                UUID id = UUID.randomUUID();
                p.messages.add(id);
                queue.enqueue(p.key, queueId, id, "bench-" + id, ChannelWorker.KIND, target(),
                        JsonObject.EMPTY_JSON_OBJECT);
            }
            return null;
        });
        return messages / ((System.nanoTime() - start) / 1e9);
    }

    private static void parallel(int threads, IntFunction<java.util.concurrent.Callable<Void>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) futures.add(pool.submit(task.apply(t)));
            for (Future<Void> f : futures) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- 2b. end to end over the worker channel

    private Throughput endToEnd(Pool p, int messages, int connections, int concurrency) throws Exception {
        // the pool's default queue, as the workers will resolve it (they name none)
        UUID queueId = UUID.fromString(api("GET", "/work_pools/" + p.name + "/queues/default", null)
                .getString("id"));
        double enqueueRate = fill(p, queueId, messages, integer("threads", 8));
        AtomicLong firstDelivery = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Map<String, Long> before = commandStats();
        List<ChannelWorker> workers = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                workers.add(ChannelWorker.connect(http, appUrl, workspace, p.name, apiKey, "bench-flow-" + c,
                        concurrency, (w, r) -> {
                            switch (r.type()) {
                                case "cleanup.message.v1" -> {
                                    firstDelivery.compareAndSet(0, r.nanos());
                                    w.ack(r.payload());
                                }
                                case "cleanup.operation_result.v1" -> {
                                    if (!"accepted".equals(r.payload().getString("status"))) {
                                        refused.incrementAndGet();
                                    } else if (acked.incrementAndGet() == messages) {
                                        lastAck.set(r.nanos());
                                        all.countDown();
                                    }
                                }
                                default -> { }
                            }
                        }));
            }
            long timeout = 60 + messages / 100;
            boolean complete = all.await(timeout, TimeUnit.SECONDS);
            long end = complete ? lastAck.get() : System.nanoTime();
            double seconds = (end - firstDelivery.get()) / 1e9;
            Map<String, Long> after = commandStats();
            if (refused.get() > 0) throw new IllegalStateException(refused + " acks refused");
            if (!complete) log("end to end: only " + acked.get() + " of " + messages + " acked within " + timeout + " s");
            return new Throughput(messages, acked.get(), seconds, acked.get() / seconds, enqueueRate,
                    perMessage(before, after, acked.get()));
        } finally {
            for (ChannelWorker w : workers) w.close();
        }
    }

    // ---- pools: created over the API for the phases through the server, removed with what the bench left in Redis

    /** A pool of the bench: its name (null when only in Redis), its queue key, the ids of the messages enqueued. */
    private final class Pool {
        final String name;
        final PoolKey key;
        final ConcurrentLinkedQueue<UUID> messages = new ConcurrentLinkedQueue<>();

        Pool(String name, PoolKey key) {
            this.name = name;
            this.key = key;
        }

        /**
         * Deletes the pool's keys: its messages by id, and its indexes, counters and idempotency keys by the prefix
         * CleanupQueue gives them ({@code steward:cleanup:{workspace}:pool:...}, its key layout), and drops it from
         * the set of pools. Acked messages would otherwise stay for the acked retention (a day) in the dev Redis.
         */
        void clean() {
            String space = "steward:cleanup:{" + key.workspaceId() + "}:";
            try (Jedis j = new Jedis(redisUri)) {
                Pipeline pipe = j.pipelined();
                for (UUID id : messages) pipe.unlink(space + "m:" + id);
                pipe.sync();
                ScanParams match = new ScanParams().match(space + key.workPoolId() + ":*").count(1000);
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = j.scan(cursor, match);
                    if (!page.getResult().isEmpty()) j.unlink(page.getResult().toArray(String[]::new));
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                j.srem("steward:cleanup:pools", key.workspaceId() + "/" + key.workPoolId());
            }
        }
    }

    private interface PoolPhase<T> {
        T run(Pool p) throws Exception;
    }

    private <T> T withPool(String name, PoolPhase<T> phase) throws Exception {
        JsonObject created = api("POST", "/work_pools/", "{\"name\":\"" + name + "\",\"type\":\"process\"}");
        Pool p = new Pool(name, new PoolKey(workspaceId, UUID.fromString(created.getString("id"))));
        try {
            return phase.run(p);
        } finally {
            api("DELETE", "/work_pools/" + name, null);
            p.clean();
        }
    }

    private JsonObject api(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(appUrl + "/api/workspaces/" + workspace + path))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IOException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? JsonObject.EMPTY_JSON_OBJECT : Json.parseObject(r.body());
    }

    private static UUID workspaceId(String url, String user, String password, String slug) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement s = c.prepareStatement("select id from workspace where slug = ?")) {
            s.setString(1, slug);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) throw new IllegalStateException("no workspace " + slug);
                return rs.getObject(1, UUID.class);
            }
        }
    }

    // ---- Redis: commands counted, and redis-benchmark

    /** Calls per command so far (INFO commandstats). */
    private Map<String, Long> commandStats() {
        Map<String, Long> calls = new HashMap<>();
        try (Jedis j = new Jedis(redisUri)) {
            for (String line : j.info("commandstats").split("\r?\n")) {
                if (!line.startsWith("cmdstat_")) continue;
                int colon = line.indexOf(':');
                String name = line.substring("cmdstat_".length(), colon);
                for (String field : line.substring(colon + 1).split(",")) {
                    if (field.startsWith("calls=")) calls.put(name, Long.parseLong(field.substring(6)));
                }
            }
        }
        return calls;
    }

    /** Commands per message between two counts, largest first (the INFO calls themselves left out). */
    private static Map<String, Double> perMessage(Map<String, Long> before, Map<String, Long> after, int messages) {
        List<Map.Entry<String, Long>> deltas = new ArrayList<>();
        after.forEach((name, n) -> {
            long d = n - before.getOrDefault(name, 0L);
            if (d > 0 && !name.equals("info")) deltas.add(Map.entry(name, d));
        });
        deltas.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : deltas) out.put(e.getKey(), messages == 0 ? 0 : (double) e.getValue() / messages);
        return out;
    }

    private String redisInfo(String section, String field) {
        try (Jedis j = new Jedis(redisUri)) {
            for (String line : j.info(section).split("\r?\n")) {
                if (line.startsWith(field + ":")) return "Redis " + line.substring(field.length() + 1);
            }
        }
        return "?";
    }

    private String redisConfig(String name) {
        try (Jedis j = new Jedis(redisUri)) {
            Map<String, String> v = j.configGet(name);
            return v.getOrDefault(name, "?");
        }
    }

    /**
     * {@code redis-benchmark -h H -p P -n N -t set,get,incr --csv}: its defaults otherwise (50 clients, one command
     * per round trip, 3-byte values); requests/s per test. It leaves its keys behind: they are deleted.
     */
    private Map<String, Double> redisBenchmark(int requests) throws Exception {
        Process p = new ProcessBuilder("redis-benchmark", "-h", redisUri.getHost(), "-p",
                String.valueOf(redisUri.getPort()), "-n", String.valueOf(requests), "-t", "set,get,incr", "--csv")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> rps = new TreeMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] cells = line.replace("\"", "").split(",");
                if (cells.length >= 2 && !cells[0].equals("test")) rps.put(cells[0], Double.parseDouble(cells[1]));
            }
        }
        if (p.waitFor() != 0 || rps.isEmpty()) throw new IllegalStateException("redis-benchmark failed");
        try (Jedis j = new Jedis(redisUri)) {
            j.del("key:__rand_int__", "counter:__rand_int__");
        }
        return rps;
    }

    private static double mean(Map<String, Double> rps) {
        return rps.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    // ---- the report

    private String describe(String label, Run r) {
        return String.format("%s: wake-up p50 %.2f ms, p99 %.2f ms (max %.1f, %d of %d by the fallback poll; "
                        + "from enqueue's return p50 %.2f, p99 %.2f); "
                        + "queue %,.0f msgs/s (%.1f Redis cmds/msg), reserving up to %d at once %,.0f msgs/s (%.1f); end to end %,.0f msgs/s (%.1f cmds/msg%s); "
                        + "enqueue %,.0f msgs/s; redis-benchmark %s",
                label, r.wakeup.p50Ms, r.wakeup.p99Ms, r.wakeup.maxMs, r.wakeup.missed, r.wakeup.samples,
                r.wakeup.p50FromReturnMs, r.wakeup.p99FromReturnMs,
                r.queue.perSecond, r.queue.commandsTotal(), batch, r.queueBatched.perSecond,
                r.queueBatched.commandsTotal(), r.endToEnd.perSecond, r.endToEnd.commandsTotal(),
                r.endToEnd.done < r.endToEnd.messages ? ", INCOMPLETE " + r.endToEnd.done + "/" + r.endToEnd.messages : "",
                r.queue.enqueuePerSecond, rpsText(r.redisBenchmark));
    }

    private static String rpsText(Map<String, Double> rps) {
        StringBuilder b = new StringBuilder();
        rps.forEach((test, v) -> b.append(b.length() == 0 ? "" : ", ").append(test).append(String.format(" %,.0f", v)));
        return b + String.format(" ops/s (mean %,.0f)", mean(rps));
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String breakdown(Map<String, Double> perMessage) {
        StringBuilder b = new StringBuilder();
        perMessage.forEach((cmd, n) -> {
            if (n >= 0.05) b.append(b.length() == 0 ? "" : ", ").append(cmd).append(String.format(" %.2f", n));
        });
        return b.toString();
    }

    private void report(List<Run> runs, String settings, int threads, int connections, int concurrency)
            throws IOException {
        double p50 = median(runs, r -> r.wakeup.p50Ms);
        double p99 = median(runs, r -> r.wakeup.p99Ms);
        double q = median(runs, r -> r.queue.perSecond);
        double e2e = median(runs, r -> r.endToEnd.perSecond);
        double qCmds = median(runs, r -> r.queue.commandsTotal());
        double qb = median(runs, r -> r.queueBatched.perSecond);
        double qbCmds = median(runs, r -> r.queueBatched.commandsTotal());
        double eCmds = median(runs, r -> r.endToEnd.commandsTotal());
        double rb = median(runs, r -> mean(r.redisBenchmark));
        Run last = runs.get(runs.size() - 1);
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nMedians of %d runs:%n", runs.size()));
        out.append(String.format("  wake-up latency, enqueue -> cleanup.message.v1 at the worker, idle queue (from the "
                + "enqueue call, which includes the producer's own round trips; from its return in brackets):%n"));
        out.append(String.format("    p50 %8.2f ms  (%.2f)%n    p99 %8.2f ms  (%.2f)   goal < 20 ms: %s%n", p50,
                median(runs, r -> r.wakeup.p50FromReturnMs), p99, median(runs, r -> r.wakeup.p99FromReturnMs),
                p99 < 20 ? "met" : "MISSED"));
        out.append(String.format("  reserve + ack, the queue (%d threads in the driver's JVM), goal >= 5,000 msgs/s:%n",
                threads));
        out.append(String.format("    one reservation per call:   %,10.0f msgs/s  %s; %.1f Redis commands per message (last "
                + "run: %s)%n", q, q >= 5000 ? "met" : "MISSED", qCmds, breakdown(last.queue.commandsPerMessage)));
        out.append(String.format("    up to %2d per call (as the dispatcher reserves for a worker with that much room): "
                + "%,10.0f msgs/s  %s; %.1f Redis commands per message (last run: %s)%n", batch, qb,
                qb >= 5000 ? "met" : "MISSED", qbCmds, breakdown(last.queueBatched.commandsPerMessage)));
        out.append(String.format("  reserve + ack, end to end through the server (%d worker-channel connections, "
                + "max_cleanup_concurrency %d):%n", connections, concurrency));
        out.append(String.format("    %,10.0f msgs/s   %.1f Redis commands per message (last run: %s)%n", e2e, eCmds,
                breakdown(last.endToEnd.commandsPerMessage)));
        out.append(String.format("  redis-benchmark, same Redis, same run (50 clients, -P 1, mean of SET/GET/INCR):%n"));
        out.append(String.format("    %,10.0f ops/s%n", rb));
        out.append(String.format("  ratio queue msgs/s : redis-benchmark ops/s = 1 : %.1f one per call, 1 : %.1f up to %d "
                + "per call%n", rb / q, rb / qb, batch));
        out.append(String.format("  ratio queue msgs/s (one per call) : redis-benchmark ops/s = 1 : %.1f (end to end 1 : %.1f); "
                + "in Redis commands the queue issues %,.0f/s (%.0f%% of redis-benchmark's ops/s), end to end %,.0f/s "
                + "(%.0f%%)%n", rb / q, rb / e2e, q * qCmds, 100 * q * qCmds / rb, e2e * eCmds, 100 * e2e * eCmds / rb));
        System.out.print(out);

        String jsonOut = opts.get("json-out");
        if (jsonOut == null) return;
        JsonArrayBuilder each = Json.createArrayBuilder();
        for (Run r : runs) {
            each.add(Json.createObjectBuilder()
                    .add("wakeup", Json.createObjectBuilder().add("samples", r.wakeup.samples)
                            .add("by_fallback_poll", r.wakeup.missed).add("p50_ms", r.wakeup.p50Ms)
                            .add("p99_ms", r.wakeup.p99Ms).add("max_ms", r.wakeup.maxMs)
                            .add("p50_from_return_ms", r.wakeup.p50FromReturnMs)
                            .add("p99_from_return_ms", r.wakeup.p99FromReturnMs))
                    .add("queue", throughputJson(r.queue)).add("queue_batched", throughputJson(r.queueBatched))
                    .add("end_to_end", throughputJson(r.endToEnd))
                    .add("redis_benchmark_ops_per_s", mapJson(r.redisBenchmark)));
        }
        JsonObject doc = Json.createObjectBuilder()
                .add("settings", settings)
                .add("medians", Json.createObjectBuilder().add("wakeup_p50_ms", p50).add("wakeup_p99_ms", p99)
                        .add("queue_msgs_per_s", q).add("queue_redis_cmds_per_msg", qCmds)
                        .add("queue_batch", batch).add("queue_batched_msgs_per_s", qb)
                        .add("queue_batched_redis_cmds_per_msg", qbCmds)
                        .add("end_to_end_msgs_per_s", e2e).add("end_to_end_redis_cmds_per_msg", eCmds)
                        .add("redis_benchmark_ops_per_s", rb).add("redis_benchmark_per_queue_msg", rb / q))
                .add("runs", each).build();
        Files.writeString(Path.of(jsonOut), doc.toString() + "\n");
    }

    private static JsonObjectBuilder throughputJson(Throughput t) {
        return Json.createObjectBuilder().add("messages", t.messages).add("done", t.done).add("seconds", t.seconds)
                .add("msgs_per_s", t.perSecond).add("enqueue_msgs_per_s", t.enqueuePerSecond)
                .add("redis_cmds_per_msg", mapJson(t.commandsPerMessage));
    }

    private static JsonObjectBuilder mapJson(Map<String, Double> m) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        m.forEach(b::add);
        return b;
    }
}
