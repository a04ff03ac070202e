package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.cleanup.CleanupMessage;
import dev.steward.cleanup.CleanupPolicy;
import dev.steward.cleanup.CleanupQueue;
import dev.steward.cleanup.PoolKey;
import dev.steward.devstack.TestStack;
import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cleanup queue under failure (issue 5's chaos test): two server instances on one PostgreSQL and Redis, four
 * workers on the worker channel (two on each instance), 1,000 messages enqueued over about 15 s through the product's
 * own CleanupQueue (the producer's path). Mid-run the second instance is killed with SIGKILL (its workers reconnect
 * to the first, as behind a load balancer, and answer for what they hold) and Redis is restarted (down 2 s). One
 * message in 20 is poison: every worker releases it, so it must end dead-lettered after its three deliveries; one
 * delivery in 100 is dropped on the floor, so its lease must expire and the message come again.
 *
 * <p>A recorder on the workers' side proves that no message ever had two active reservations: a delivery is active
 * from its arrival until the worker sent the ack or release that was accepted, or its lease expired; the next
 * delivery of the message must arrive after that. At the end every message is acked or dead-lettered, once (each
 * accepted at most once, the queue's counters match), none is lost, and the queue's own history agrees.
 */
class CleanupChaosIT {
    private static final int MESSAGES = 1_000;
    private static final int POISON_EVERY = 20;
    private static final double DROPPED = 0.01;
    private static final int WORKERS = 4;
    private static final int CAPACITY = 8;
    private static final String KIND = "cancelling_timeout_teardown.v1";
    private static final Duration SETTLE = Duration.ofMinutes(4);

    /** One delivery as a worker saw it; {@code ended} is when the accepted ack or release was sent, else null. */
    static final class Delivery {
        final String worker;
        final String token;
        final int count;
        final Instant arrived;
        final Instant leaseExpires;
        volatile Instant ended;
        volatile String acceptedOperation;

        Delivery(String worker, String token, int count, Instant arrived, Instant leaseExpires) {
            this.worker = worker;
            this.token = token;
            this.count = count;
            this.arrived = arrived;
            this.leaseExpires = leaseExpires;
        }

        /** Until when this delivery could be acted on. */
        Instant activeUntil() {
            Instant e = ended;
            return e != null && e.isBefore(leaseExpires) ? e : leaseExpires;
        }
    }

    /** Every delivery every worker received, by message id. */
    private final Map<String, List<Delivery>> recorded = new ConcurrentHashMap<>();
    private final AtomicInteger operationErrors = new AtomicInteger();

    @Test
    void everyMessageEndsAckedOrDeadLetteredOnceThroughACrashAndARedisRestart() throws Exception {
        TestStack test = TestStack.get();
        List<String> instances = List.of(test.appUrl(), test.stack().secondApp());
        String ws = Workspaces.create("chaos");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);
        Api admin = Workspaces.api(ws, Workspaces.issueKey(ws, "admin"));
        String poolId = api.post("/work_pools/", "{\"name\":\"chaos\",\"type\":\"process\"}").expect(201).object()
                .getString("id");
        UUID workspaceId = UUID.fromString(Workspaces.admin().get("/workspaces/" + ws).expect(200).object()
                .getString("id"));
        PoolKey pool = new PoolKey(workspaceId, UUID.fromString(poolId));
        String path = "/api/workspaces/" + ws + "/work_pools/chaos/workers/connect";

        List<ChaosWorker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(new ChaosWorker("chaos-" + i, instances, i < WORKERS / 2 ? 0 : 1, path, key));
        }
        for (ChaosWorker w : workers) w.start();
        for (ChaosWorker w : workers) w.readyOnce.get(60, TimeUnit.SECONDS);

        Set<String> enqueued = ConcurrentHashMap.newKeySet();
        Set<String> poison = ConcurrentHashMap.newKeySet();
        AtomicInteger enqueueRetries = new AtomicInteger();
        Redis redis = Redis.at(test.endpoints().redisUrl());
        try {
            CleanupQueue producer = new CleanupQueue(redis, Clock.systemUTC(), new CleanupPolicy(Duration.ofSeconds(30),
                    3, Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2, Duration.ofDays(1)));
            Thread producing = new Thread(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    UUID id = UUID.randomUUID();
                    boolean bad = i % POISON_EVERY == 0;
                    JsonObject target = Json.createObjectBuilder().add("flow_run_id", UUID.randomUUID().toString())
                            .add("infrastructure_pid", "chaos:" + i).build();
                    JsonObject data = bad ? Json.createObjectBuilder().add("poison", true).build()
                            : JsonObject.EMPTY_JSON_OBJECT;
                    // as the producer does: the same message again until Redis takes it (enqueue is idempotent)
                    while (true) {
                        try {
                            producer.enqueue(pool, null, id, "chaos:" + i, KIND, target, data);
                            break;
                        } catch (RuntimeException e) {
                            enqueueRetries.incrementAndGet();
                            sleep(200);
                        }
                    }
                    enqueued.add(id.toString());
                    if (bad) poison.add(id.toString());
                    sleep(15);
                }
            }, "chaos-producer");
            producing.start();

            sleep(5_000);
            test.stack().killSecondApp();
            sleep(5_000);
            test.stack().restartRedis(Duration.ofSeconds(2));
            producing.join(TimeUnit.MINUTES.toMillis(3));
            assertEquals(MESSAGES, enqueued.size(), "the producer enqueued every message");

            // settle: every message acked or dead-lettered
            long until = System.nanoTime() + SETTLE.toNanos();
            JsonObject stats = null;
            while (System.nanoTime() < until) {
                Api.Reply r = admin.get("/cleanup/chaos");
                if (r.status() == 200) {
                    stats = r.object();
                    if (stats.getInt("acked") + stats.getInt("dead_lettered") >= MESSAGES) break;
                }
                sleep(1_000);
            }
            for (ChaosWorker w : workers) w.stop();
            System.out.println("chaos: queue figures at the end: " + stats);
            assertEquals(MESSAGES, stats.getInt("enqueued"), "each message enqueued once: " + stats);
            assertEquals(0, stats.getInt("visible") + stats.getInt("in_flight"), "none left over: " + stats);

            Map<String, Integer> finalStates = new TreeMap<>();
            int acked = 0;
            int dead = 0;
            int redeliveredMessages = 0;
            List<String> problems = new ArrayList<>();
            for (String id : enqueued) {
                JsonObject m = admin.get("/cleanup/chaos/messages/" + id).expect(200).object();
                String state = m.getString("state");
                finalStates.merge(state, 1, Integer::sum);
                if (state.equals("acked")) acked++;
                if (state.equals("dead")) dead++;
                boolean isPoison = poison.contains(id);
                if (isPoison && !state.equals("dead")) problems.add(id + ": poison but " + state);
                if (!isPoison && !state.equals("acked")) problems.add(id + ": " + state);
                if (m.getInt("delivery_count") > 1) redeliveredMessages++;
                problems.addAll(checkDeliveries(id, m, state));
            }
            System.out.printf("chaos: %d messages (%d poison): %s; %d delivered more than once; %d deliveries seen by "
                            + "workers, %d dropped on purpose; %d enqueue retries and %d operation errors while Redis "
                            + "was down; %d worker reconnects%n", MESSAGES, poison.size(), finalStates,
                    redeliveredMessages, recorded.values().stream().mapToInt(List::size).sum(),
                    workers.stream().mapToInt(w -> w.dropped.get()).sum(), enqueueRetries.get(),
                    operationErrors.get(), workers.stream().mapToInt(w -> w.connects.get() - 1).sum());
            assertTrue(problems.isEmpty(), problems.size() + " problems, first: "
                    + problems.subList(0, Math.min(20, problems.size())));
            assertEquals(MESSAGES - poison.size(), acked, "every good message acked");
            assertEquals(poison.size(), dead, "every poison message dead-lettered");
            assertEquals(acked, stats.getInt("acked"), "acked once each: the queue counted one ack per message");
            assertEquals(dead, stats.getInt("dead_lettered"), "dead-lettered once each");
            assertEquals(dead, stats.getInt("dead_letters"));
            assertTrue(workers.stream().anyMatch(w -> w.connects.get() > 1), "the killed instance's workers reconnected");
            assertTrue(workers.stream().mapToInt(w -> w.dropped.get()).sum() > 0, "some leases had to expire");
        } finally {
            for (ChaosWorker w : workers) w.stop();
            redis.close();
        }
    }

    /**
     * The recorder's proof for one message: tokens differ, each delivery arrived after the previous one stopped being
     * active, at most one ack or release was accepted per delivery and one ack per message, and the queue's history
     * (each delivery's reservation and end) never overlaps either.
     */
    private List<String> checkDeliveries(String id, JsonObject m, String state) {
        List<String> problems = new ArrayList<>();
        List<Delivery> seen = new ArrayList<>(recorded.getOrDefault(id, List.of()));
        seen.sort(Comparator.comparingInt(d -> d.count));
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        Set<Integer> counts = ConcurrentHashMap.newKeySet();
        int acceptedAcks = 0;
        for (int i = 0; i < seen.size(); i++) {
            Delivery d = seen.get(i);
            if (!tokens.add(d.token)) problems.add(id + ": token handed out twice");
            if (!counts.add(d.count)) problems.add(id + ": delivery " + d.count + " received twice");
            if ("ack".equals(d.acceptedOperation)) acceptedAcks++;
            if (i > 0) {
                Delivery before = seen.get(i - 1);
                if (d.arrived.isBefore(before.activeUntil())) {
                    problems.add(id + ": delivery " + d.count + " to " + d.worker + " arrived at " + d.arrived
                            + " while delivery " + before.count + " to " + before.worker + " was active until "
                            + before.activeUntil());
                }
            }
        }
        if (acceptedAcks > 1) problems.add(id + ": " + acceptedAcks + " acks accepted");
        if (state.equals("dead") && acceptedAcks > 0) problems.add(id + ": dead-lettered after an accepted ack");
        if (seen.size() > m.getInt("delivery_count")) {
            problems.add(id + ": workers saw " + seen.size() + " deliveries, the queue made " + m.getInt("delivery_count"));
        }
        Instant previousEnd = Instant.EPOCH;
        for (var h : m.getJsonArray("history")) {
            JsonObject d = h.asJsonObject();
            if (d.isNull("reserved_at")) continue;
            Instant reserved = Instant.parse(d.getString("reserved_at"));
            if (reserved.isBefore(previousEnd)) problems.add(id + ": the queue's history overlaps at " + reserved);
            previousEnd = Instant.parse(d.getString("ended_at"));
        }
        return problems;
    }

    /**
     * A worker on the worker channel that handles teardowns: acks each delivery after a moment's work, releases
     * poison, drops one in a hundred, retries an operation that met a Redis outage, and reconnects (to the other
     * instance when its own is gone), sending again the operations whose answers the lost connection took with it.
     * Everything it does runs on one thread, in order.
     */
    final class ChaosWorker implements WebSocket.Listener {
        final String name;
        final List<String> instances;
        final String path;
        final String key;
        final UUID consumer = UUID.randomUUID();
        final CompletableFuture<Void> readyOnce = new CompletableFuture<>();
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();
        final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        private final StringBuilder partial = new StringBuilder();
        /** Operations sent and not yet answered, by frame id, with when they were sent (worker thread only). */
        private final Map<String, Sent> pending = new HashMap<>();
        private int next;
        private WebSocket socket;
        private volatile boolean stopping;

        /**
         * An ack or release; {@code unansweredSince} is the first send whose answer a lost connection took: that one
         * may have been applied, so the delivery may have ended then.
         */
        static final class Operation {
            final String type;
            final String messageId;
            final Delivery delivery;
            final String reason;
            Instant unansweredSince;

            Operation(String type, String messageId, Delivery delivery, String reason) {
                this.type = type;
                this.messageId = messageId;
                this.delivery = delivery;
                this.reason = reason;
            }
        }

        record Sent(Operation operation, Instant at) {}

        ChaosWorker(String name, List<String> instances, int preferred, String path, String key) {
            this.name = name;
            this.instances = instances;
            this.next = preferred;
            this.path = path;
            this.key = key;
        }

        void start() {
            thread.execute(this::connect);
        }

        void stop() {
            if (stopping) return;
            stopping = true;
            thread.execute(() -> {
                if (socket != null) socket.abort();
            });
            thread.shutdown();
        }

        private void connect() {
            if (stopping) return;
            String base = instances.get(next++ % instances.size());
            partial.setLength(0);
            try {
                socket = Api.HTTP.newWebSocketBuilder().subprotocols("prefect").connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create(base.replaceFirst("^http", "ws") + path), this).get(10, TimeUnit.SECONDS);
                connects.incrementAndGet();
                send("{\"type\":\"auth\",\"token\":\"" + key + "\"}");
            } catch (Exception e) {
                socket = null;
                thread.schedule(this::connect, 500, TimeUnit.MILLISECONDS);
            }
        }

        private void send(String text) {
            try {
                socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the connection is going: onClose/onError reconnects
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String text = last ? (partial.length() == 0 ? data.toString() : partial.append(data).toString()) : null;
            if (!last) partial.append(data);
            if (text != null) {
                partial.setLength(0);
                thread.execute(() -> {
                    if (ws == socket) handle(Json.parseObject(text));
                });
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            lost(ws);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            lost(ws);
        }

        private void lost(WebSocket ws) {
            if (stopping) return;
            thread.execute(() -> {
                if (ws != socket) return;
                socket = null;
                thread.schedule(this::connect, 300, TimeUnit.MILLISECONDS);
            });
        }

        private void handle(JsonObject frame) {
            switch (frame.getString("type")) {
                case "auth_success" -> send(WorkerChannelIT.frame("worker.hello.v1", "{\"consumer_id\":\"" + consumer
                        + "\",\"worker_name\":\"" + name + "\",\"worker_type\":\"process\","
                        + "\"heartbeat_interval_seconds\":30,\"supported_channel_versions\":[\"work_pool_worker_channel.v1\"],"
                        + "\"requested_capabilities\":[\"worker_heartbeat.v1\",\"work_pool_snapshot.v1\",\"cleanup_delivery.v1\"],"
                        + "\"handled_cleanup_kinds\":[\"" + KIND + "\"],\"max_cleanup_concurrency\":" + CAPACITY + "}"));
                case "worker.ready.v1" -> {
                    readyOnce.complete(null);
                    // what the lost connection took the answers of is asked again on this one
                    List<Sent> unanswered = new ArrayList<>(pending.values());
                    pending.clear();
                    for (Sent sent : unanswered) {
                        Operation op = sent.operation();
                        if (op.unansweredSince == null) op.unansweredSince = sent.at();
                        operate(op);
                    }
                }
                case "cleanup.message.v1" -> delivered(frame.getJsonObject("payload"));
                case "cleanup.operation_result.v1" -> answered(frame.getJsonObject("payload"));
                default -> { }
            }
        }

        private void delivered(JsonObject p) {
            String id = p.getString("message_id");
            Delivery d = new Delivery(name, p.getString("reservation_token"), p.getInt("delivery_count"), Instant.now(),
                    Instant.parse(p.getString("lease_expires_at")));
            recorded.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(d);
            if (ThreadLocalRandom.current().nextDouble() < DROPPED) {
                dropped.incrementAndGet();
                return;
            }
            boolean poisoned = p.getJsonObject("data").getBoolean("poison", false);
            Operation op = poisoned ? new Operation("cleanup.release.v1", id, d, "chaos_poison")
                    : new Operation("cleanup.ack.v1", id, d, null);
            thread.schedule(() -> operate(op), ThreadLocalRandom.current().nextInt(0, 30), TimeUnit.MILLISECONDS);
        }

        private void operate(Operation op) {
            if (socket == null || Instant.now().isAfter(op.delivery.leaseExpires)) return;
            String frameId = UUID.randomUUID().toString();
            pending.put(frameId, new Sent(op, Instant.now()));
            send("{\"type\":\"" + op.type + "\",\"id\":\"" + frameId + "\",\"sent_at\":\"" + Instant.now()
                    + "\",\"payload\":{\"message_id\":\"" + op.messageId + "\",\"reservation_token\":\""
                    + op.delivery.token + "\"" + (op.reason == null ? "" : ",\"reason\":\"" + op.reason + "\"") + "}}");
        }

        private void answered(JsonObject p) {
            Sent sent = pending.remove(p.getString("request_frame_id"));
            if (sent == null) return;
            Operation op = sent.operation();
            boolean release = op.type.equals("cleanup.release.v1");
            switch (p.getString("status")) {
                case "accepted" -> {
                    op.delivery.ended = sent.at();
                    op.delivery.acceptedOperation = release ? "release" : "ack";
                }
                // a release of the last delivery; or an ack or release that came after the lease
                case "dead_lettered" -> {
                    op.delivery.ended = sent.at();
                    if (release) op.delivery.acceptedOperation = "release";
                }
                case "error" -> {
                    // Redis was away: the same operation again shortly
                    operationErrors.incrementAndGet();
                    thread.schedule(() -> operate(op), 250, TimeUnit.MILLISECONDS);
                }
                // expired, or not_found / invalid_token after a resend: the delivery ended when the first unanswered
                // send was applied, or else when its lease ran out
                default -> op.delivery.ended = op.unansweredSince;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
