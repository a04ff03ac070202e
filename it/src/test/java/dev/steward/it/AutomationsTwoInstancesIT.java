package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.steward.devstack.TestStack;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An automation's actions run once across instances, through crashes: 1,000 matching events are sent over both
 * instances' {@code /events/in} while the first instance (which holds the evaluator's lease, having started first)
 * is killed with SIGKILL and started again, and then the second is killed; each event fires the automation once and
 * its call-webhook action calls a local receiver. Every event is sent until an instance confirms it (a client
 * re-sends what it has not seen confirmed; the server keeps one copy of an event id).
 *
 * <p>What is asserted: exactly 1,000 distinct action runs called (by the {@code Idempotency-Key} each call carries),
 * each carrying its event's id. A call cannot be made exactly once over HTTP when its instance can die between making
 * it and recording it: such a call is made again, with the same key, once its claim expires (60 s). So a key may come
 * twice, and then only as a crash's repeat: its first call arrived before the last kill and its second at least 50 s
 * later. The repeats are counted and printed.
 */
class AutomationsTwoInstancesIT {
    private static final int EVENTS = 1000;
    private static final int BATCH = 20;

    @Test
    void eachMatchingEventCallsTheWebhookOnceThroughTwoCrashes() throws Exception {
        TestStack test = TestStack.get();
        String ws = Workspaces.create("auto2");
        String key = Workspaces.issueKey(ws, "developer");
        Api api = Workspaces.api(ws, key);

        Map<String, List<Long>> callsByKey = new ConcurrentHashMap<>();
        Set<String> payloads = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String idempotency = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            callsByKey.computeIfAbsent(String.valueOf(idempotency), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(System.nanoTime());
            payloads.add(body);
            calls.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String second = test.stack().secondApp();
        try {
            String type = api.post("/block_types/", "{\"name\":\"Webhook\",\"slug\":\"webhook\"}").expect(201).object()
                    .getString("id");
            String schema = api.post("/block_schemas/", "{\"block_type_id\":\"" + type + "\",\"capabilities\":[],"
                    + "\"fields\":{\"title\":\"Webhook\",\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\","
                    + "\"format\":\"password\",\"writeOnly\":true},\"method\":{\"type\":\"string\"}},"
                    + "\"secret_fields\":[\"url\"],\"block_schema_references\":{}}}").expect(201).object().getString("id");
            String block = api.post("/block_documents/", "{\"name\":\"receiver\",\"block_type_id\":\"" + type
                    + "\",\"block_schema_id\":\"" + schema + "\",\"data\":{\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"method\":\"POST\"}}").expect(201).object()
                    .getString("id");
            api.post("/automations/", "{\"name\":\"each ping\",\"trigger\":{\"type\":\"event\",\"posture\":\"Reactive\","
                    + "\"expect\":[\"steward.chaos.ping\"],\"match\":{\"prefect.resource.id\":\"steward.chaos.*\"}},"
                    + "\"actions\":[{\"type\":\"call-webhook\",\"block_document_id\":\"" + block + "\","
                    + "\"payload\":\"{{ event.id }}\"}]}").expect(201);
            Thread.sleep(1000); // the evaluator reads the new automation on its next round

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) ids.add(UUID.randomUUID().toString());
            Sender sender = new Sender(ws, key, test.appUrl(), second, ids);
            Thread sending = new Thread(sender, "automation-events");
            sending.start();
            sender.awaitSent(EVENTS / 3);
            test.stack().crashAndRestartApp(); // the evaluator's lease moves to the second instance
            sender.awaitSent(2 * EVENTS / 3);
            long lastKill = System.nanoTime();
            test.stack().killSecondApp();      // and back to the first
            sending.join(5 * 60_000);
            assertEquals(EVENTS, sender.confirmed.get(), "every event confirmed by an instance");

            long until = System.nanoTime() + 4 * 60_000_000_000L; // a dead instance's claims expire after 60 s
            while (callsByKey.size() < EVENTS && System.nanoTime() < until) Thread.sleep(500);
            // the repeat of a call its instance died during comes once the claim expires: wait past it
            long settled = lastKill + 75_000_000_000L;
            while (System.nanoTime() < settled) Thread.sleep(500);
            int repeats = calls.get() - callsByKey.size();
            System.out.printf("automations across instances: %d events, %d calls, %d distinct action runs, "
                    + "%d repeated after a crash, %d resends of unconfirmed events%n", EVENTS, calls.get(),
                    callsByKey.size(), repeats, sender.resent.get());
            assertEquals(EVENTS, callsByKey.size(), "one action run per event, each called");
            assertTrue(payloads.containsAll(ids), "each call carries its event's id");
            List<String> notCrashRepeats = new ArrayList<>();
            callsByKey.forEach((k, times) -> {
                if (times.size() == 1) return;
                boolean crashRepeat = times.size() == 2 && times.get(0) < lastKill + 1_000_000_000L
                        && times.get(1) - times.get(0) >= 50_000_000_000L;
                if (!crashRepeat) notCrashRepeats.add(k + ": " + times.size() + " calls");
            });
            assertEquals(List.of(), notCrashRepeats, "a call is made again only after its instance died during it");
            assertTrue(callsByKey.keySet().stream().noneMatch("null"::equals), "every call carries its key");
        } finally {
            receiver.stop(0);
        }
    }

    /** Sends the events in batches to the instances in turn; a batch an instance did not confirm goes to the other. */
    private static final class Sender implements Runnable {
        final String ws;
        final String key;
        final String[] apps;
        final List<String> ids;
        final AtomicInteger confirmed = new AtomicInteger();
        final AtomicInteger resent = new AtomicInteger();
        private final EventsIn[] connections = new EventsIn[2];

        Sender(String ws, String key, String first, String second, List<String> ids) {
            this.ws = ws;
            this.key = key;
            this.apps = new String[] {first, second};
            this.ids = ids;
        }

        void awaitSent(int count) throws InterruptedException {
            while (confirmed.get() < count) Thread.sleep(50);
        }

        @Override
        public void run() {
            int turn = 0;
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
                for (int attempt = 0; ; attempt++) {
                    int app = (turn + attempt) % 2;
                    try {
                        if (connections[app] == null) connections[app] = EventsIn.open(apps[app], ws, key);
                        for (String id : batch) {
                            connections[app].send("{\"id\":\"" + id + "\",\"occurred\":\"" + Instant.now()
                                    + "\",\"event\":\"steward.chaos.ping\",\"resource\":{\"prefect.resource.id\":"
                                    + "\"steward.chaos." + id + "\"},\"related\":[],\"payload\":{}}");
                        }
                        connections[app].confirm();
                        confirmed.addAndGet(batch.size());
                        if (attempt > 0) resent.addAndGet(batch.size());
                        break;
                    } catch (Exception e) {
                        // the instance is down: its connection is gone; the batch goes to the other one
                        connections[app] = null;
                        if (attempt > 200) throw new IllegalStateException("no instance takes events", e);
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
                turn++;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }
}
