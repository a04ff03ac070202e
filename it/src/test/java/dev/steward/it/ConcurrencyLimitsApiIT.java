package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Concurrency limits over HTTP: v2 CRUD and validation, slots with and without leases, 423 with Retry-After, lease
 * expiry, concurrent increments that never over-grant, the v1 tag adapter, lifecycle events, audit, roles.
 * The test stack accepts leases from 1 s and sweeps expired ones every second (TestStack).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyLimitsApiIT {
    String ws;
    String ownerKey;
    Api api;

    @BeforeAll
    void workspace() {
        ws = Workspaces.create("limits");
        ownerKey = Workspaces.issueKey(ws, "owner");
        api = Workspaces.api(ws, Workspaces.issueKey(ws, "developer"));
    }

    @Test
    void crudWithPrefectsShapesAndStatusCodes() {
        JsonObject created = api.post("/v2/concurrency_limits/", "{\"name\":\"crud-db\",\"limit\":3}").expect(201).object();
        String id = created.getString("id");
        assertEquals("crud-db", created.getString("name"));
        assertEquals(3, created.getInt("limit"));
        assertTrue(created.getBoolean("active"));
        assertEquals(0, created.getInt("active_slots"));
        assertEquals(0, created.getInt("denied_slots"));
        assertEquals(0.0, created.getJsonNumber("slot_decay_per_second").doubleValue());
        assertEquals(2.0, created.getJsonNumber("avg_slot_occupancy_seconds").doubleValue());
        assertTrue(created.containsKey("created") && created.containsKey("updated"));

        assertTrue(api.post("/v2/concurrency_limits/", "{\"name\":\"crud-db\",\"limit\":1}").expect(409).detail()
                .contains("already exists"));
        assertEquals(id, api.get("/v2/concurrency_limits/" + id).expect(200).object().getString("id"));
        JsonObject byName = api.get("/v2/concurrency_limits/crud-db").expect(200).object();
        assertEquals(id, byName.getString("id"));
        assertFalse(byName.containsKey("denied_slots"), "reads answer Prefect's GlobalConcurrencyLimitResponse");

        api.patch("/v2/concurrency_limits/crud-db", "{\"limit\":5,\"active\":false}").expect(204);
        JsonObject patched = api.get("/v2/concurrency_limits/" + id).object();
        assertEquals(5, patched.getInt("limit"));
        assertFalse(patched.getBoolean("active"));
        api.patch("/v2/concurrency_limits/" + id, "{\"name\":\"crud-db2\",\"slot_decay_per_second\":0.5}").expect(204);
        assertEquals(0.5, api.get("/v2/concurrency_limits/crud-db2").expect(200).object()
                .getJsonNumber("slot_decay_per_second").doubleValue());
        api.post("/v2/concurrency_limits/", "{\"name\":\"crud-other\",\"limit\":1}").expect(201);
        api.patch("/v2/concurrency_limits/crud-other", "{\"name\":\"crud-db2\"}").expect(409);

        List<String> names = api.post("/v2/concurrency_limits/filter", "{}").expect(200).array().stream()
                .map(v -> v.asJsonObject().getString("name")).filter(n -> n.startsWith("crud-")).toList();
        assertEquals(List.of("crud-db2", "crud-other"), names, "ordered by name");
        assertEquals(1, api.post("/v2/concurrency_limits/filter", "{\"limit\":1}").expect(200).array().size());

        api.delete("/v2/concurrency_limits/crud-db2").expect(204);
        assertEquals("\"Concurrency Limit not found\"", api.get("/v2/concurrency_limits/" + id).expect(404).detail());
        api.delete("/v2/concurrency_limits/" + id).expect(404);
        api.patch("/v2/concurrency_limits/crud-db2", "{\"limit\":1}").expect(404);
        api.get("/v2/concurrency_limits/" + UUID.randomUUID()).expect(404);
    }

    @Test
    void badInputIsA422InFastApisShapeAndChangesNothing() {
        int before = api.post("/v2/concurrency_limits/filter", "{}").expect(200).array().size();
        Api.Reply missing = api.post("/v2/concurrency_limits/", "{\"name\":\"no-limit\"}").expect(422);
        assertTrue(missing.body().contains("\"loc\":[\"body\",\"limit\"]") && missing.body().contains("missing"), missing.body());
        api.post("/v2/concurrency_limits/", "{\"limit\":1}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"neg\",\"limit\":-1}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"a/b\",\"limit\":1}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"\",\"limit\":1}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"typed\",\"limit\":\"many\"}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"extra\",\"limit\":1,\"colour\":\"red\"}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"decay\",\"limit\":1,\"slot_decay_per_second\":-1}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"act\",\"limit\":1,\"active\":\"yes\"}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\": \"x\", ").expect(422);
        api.post("/v2/concurrency_limits/filter", "{\"limit\":201}").expect(422);
        api.post("/v2/concurrency_limits/", "{\"name\":\"bad-input\",\"limit\":1}").expect(201);
        api.patch("/v2/concurrency_limits/bad-input", "{\"limit\":-2}").expect(422);
        api.patch("/v2/concurrency_limits/bad-input", "{\"unknown\":1}").expect(422);

        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"bad-input\"],\"slots\":0}").expect(422);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[],\"slots\":1}").expect(422);
        api.post("/v2/concurrency_limits/increment", "{\"slots\":1}").expect(422);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"bad-input\"],\"slots\":1,\"mode\":\"fast\"}").expect(422);
        api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"bad-input\"],\"slots\":1,\"lease_duration\":0.5}").expect(422);
        api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"bad-input\"],\"slots\":1,\"lease_duration\":100000}").expect(422);
        api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"bad-input\"],\"slots\":1,\"holder\":{\"type\":\"robot\",\"id\":\"" + UUID.randomUUID() + "\"}}").expect(422);
        api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"bad-input\"],\"slots\":1,\"holder\":{\"type\":\"task_run\",\"id\":\"nope\"}}").expect(422);
        api.post("/v2/concurrency_limits/decrement-with-lease", "{\"lease_id\":\"nope\"}").expect(422);
        api.post("/v2/concurrency_limits/decrement-with-lease", "{}").expect(422);
        Api.Reply path = api.post("/v2/concurrency_limits/leases/nope/renew", "{}").expect(422);
        assertTrue(path.body().contains("\"path\""), path.body());
        api.post("/concurrency_limits/", "{\"tag\":\"t\"}").expect(422);
        api.post("/concurrency_limits/increment", "{\"names\":[\"t\"]}").expect(422);

        assertEquals(0, api.get("/v2/concurrency_limits/bad-input").object().getInt("active_slots"), "no slot was taken");
        assertEquals(before + 1, api.post("/v2/concurrency_limits/filter", "{}").expect(200).array().size());
        api.get("/concurrency_limits/not-a-uuid").expect(404);
    }

    @Test
    void incrementAndDecrementWithoutALease() {
        api.post("/v2/concurrency_limits/", "{\"name\":\"plain\",\"limit\":2}").expect(201);
        JsonObject taken = api.post("/v2/concurrency_limits/increment", "{\"names\":[\"plain\"],\"slots\":1}")
                .expect(200).array().getJsonObject(0);
        assertEquals("plain", taken.getString("name"));
        assertEquals(2, taken.getInt("limit"));
        assertEquals(1, activeSlots("plain"));

        Api.Reply locked = api.post("/v2/concurrency_limits/increment", "{\"names\":[\"plain\"],\"slots\":2}").expect(423);
        double retryAfter = Double.parseDouble(locked.raw().headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertEquals(1, activeSlots("plain"), "a denied request takes nothing");

        assertEquals("\"Slots requested is greater than the limit\"",
                api.post("/v2/concurrency_limits/increment", "{\"names\":[\"plain\"],\"slots\":3}").expect(422).detail());
        assertTrue(api.post("/v2/concurrency_limits/increment", "{\"names\":[\"plain\"],\"slots\":1,\"mode\":\"rate_limit\"}")
                .expect(422).detail().contains("slot decay"));
        assertEquals(0, api.post("/v2/concurrency_limits/increment", "{\"names\":[\"no-such-limit\"],\"slots\":1}")
                .expect(200).array().size(), "unknown names are ignored");

        api.post("/v2/concurrency_limits/decrement", "{\"names\":[\"plain\"],\"slots\":1,\"occupancy_seconds\":4}").expect(200);
        assertEquals(0, activeSlots("plain"));
        api.post("/v2/concurrency_limits/decrement", "{\"names\":[\"plain\"],\"slots\":5}").expect(200);
        assertEquals(0, activeSlots("plain"), "never below zero");

        // a rate limit: the slot drains by itself
        api.post("/v2/concurrency_limits/", "{\"name\":\"rate\",\"limit\":1,\"slot_decay_per_second\":2}").expect(201);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"rate\"],\"slots\":1,\"mode\":\"rate_limit\"}").expect(200);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"rate\"],\"slots\":1,\"mode\":\"rate_limit\"}").expect(423);
        awaitActiveSlots("rate", 0, 5);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"rate\"],\"slots\":1,\"mode\":\"rate_limit\"}").expect(200);

        // an inactive limit is answered but not counted
        api.post("/v2/concurrency_limits/", "{\"name\":\"off\",\"limit\":1,\"active\":false}").expect(201);
        for (int i = 0; i < 3; i++) {
            api.post("/v2/concurrency_limits/increment", "{\"names\":[\"off\"],\"slots\":1}").expect(200);
        }
        assertEquals(0, activeSlots("off"));
    }

    @Test
    void leasesAreRenewedReleasedAndExpire() {
        api.post("/v2/concurrency_limits/", "{\"name\":\"leased\",\"limit\":1}").expect(201);
        String holder = UUID.randomUUID().toString();
        JsonObject granted = api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"leased\"],\"slots\":1,\"mode\":\"concurrency\",\"lease_duration\":60,"
                        + "\"holder\":{\"type\":\"task_run\",\"id\":\"" + holder + "\"}}").expect(200).object();
        String lease = granted.getString("lease_id");
        assertEquals("leased", granted.getJsonArray("limits").getJsonObject(0).getString("name"));
        assertEquals(1, activeSlots("leased"));
        Api.Reply full = api.post("/v2/concurrency_limits/increment-with-lease", "{\"names\":[\"leased\"],\"slots\":1}")
                .expect(423);
        assertTrue(full.raw().headers().firstValue("Retry-After").isPresent());

        api.post("/v2/concurrency_limits/leases/" + lease + "/renew", "{\"lease_duration\":120}").expect(204);
        api.post("/v2/concurrency_limits/decrement-with-lease", "{\"lease_id\":\"" + lease + "\"}").expect(204);
        assertEquals(0, activeSlots("leased"));
        api.post("/v2/concurrency_limits/decrement-with-lease", "{\"lease_id\":\"" + lease + "\"}").expect(204);
        assertEquals(0, activeSlots("leased"), "releasing twice gives back once");
        assertTrue(api.post("/v2/concurrency_limits/leases/" + lease + "/renew", "{}").expect(410).detail()
                .contains("Lease not found"));

        // no limit by these names: a lease id all the same, nothing held
        JsonObject none = api.post("/v2/concurrency_limits/increment-with-lease", "{\"names\":[\"tag:untagged\"],\"slots\":1}")
                .expect(200).object();
        assertEquals(0, none.getJsonArray("limits").size());

        // a lease that is not renewed gives its slots back when it expires
        String expiring = api.post("/v2/concurrency_limits/increment-with-lease",
                "{\"names\":[\"leased\"],\"slots\":1,\"lease_duration\":1}").expect(200).object().getString("lease_id");
        assertEquals(1, activeSlots("leased"));
        awaitActiveSlots("leased", 0, 20);
        api.post("/v2/concurrency_limits/leases/" + expiring + "/renew", "{\"lease_duration\":60}").expect(410);
        api.post("/v2/concurrency_limits/increment-with-lease", "{\"names\":[\"leased\"],\"slots\":1}").expect(200);
    }

    @Test
    void concurrentIncrementsNeverGrantMoreThanTheLimit() throws Exception {
        api.post("/v2/concurrency_limits/", "{\"name\":\"race\",\"limit\":3}").expect(201);
        api.post("/v2/concurrency_limits/", "{\"name\":\"race-a\",\"limit\":4}").expect(201);
        api.post("/v2/concurrency_limits/", "{\"name\":\"race-b\",\"limit\":4}").expect(201);
        int n = 24;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // the two-limit requests name them in both orders: row locks in id order keep them from deadlocking
                String body = i % 3 == 0 ? "{\"names\":[\"race\"],\"slots\":1}"
                        : i % 3 == 1 ? "{\"names\":[\"race-a\",\"race-b\"],\"slots\":1}"
                        : "{\"names\":[\"race-b\",\"race-a\"],\"slots\":1}";
                String key = i % 3 == 0 ? "single" : "pair";
                all.add(pool.submit(() -> {
                    start.await();
                    int status = api.post("/v2/concurrency_limits/increment-with-lease", body).status();
                    statuses.computeIfAbsent(status * 10 + (key.equals("single") ? 1 : 2), k -> new AtomicInteger())
                            .incrementAndGet();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) f.get(60, TimeUnit.SECONDS);
            assertEquals(3, count(statuses, 2001), "granted on 'race': " + statuses);
            assertEquals(5, count(statuses, 4231), "denied on 'race': " + statuses);
            assertEquals(4, count(statuses, 2002), "granted on the pair: " + statuses);
            assertEquals(12, count(statuses, 4232), "denied on the pair: " + statuses);
            assertEquals(3, activeSlots("race"));
            assertEquals(4, activeSlots("race-a"));
            assertEquals(4, activeSlots("race-b"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tagLimitsAreAnAdapterOverLimitsNamedTag() {
        JsonObject created = api.post("/concurrency_limits/", "{\"tag\":\"etl\",\"concurrency_limit\":1}").expect(201).object();
        String id = created.getString("id");
        assertEquals("etl", created.getString("tag"));
        assertEquals(1, created.getInt("concurrency_limit"));
        assertEquals(0, created.getJsonArray("active_slots").size());
        assertEquals(2, api.post("/concurrency_limits/", "{\"tag\":\"etl\",\"concurrency_limit\":2}").expect(200).object()
                .getInt("concurrency_limit"), "creating again sets the limit");
        assertEquals(id, api.get("/v2/concurrency_limits/tag:etl").expect(200).object().getString("id"));
        assertEquals(id, api.get("/concurrency_limits/" + id).expect(200).object().getString("id"));

        String run1 = UUID.randomUUID().toString();
        String run2 = UUID.randomUUID().toString();
        JsonObject taken = api.post("/concurrency_limits/increment", "{\"names\":[\"etl\"],\"task_run_id\":\"" + run1 + "\"}")
                .expect(200).array().getJsonObject(0);
        assertEquals("etl", taken.getString("name"));
        api.post("/concurrency_limits/increment", "{\"names\":[\"etl\",\"untracked\"],\"task_run_id\":\"" + run2 + "\"}").expect(200);
        Api.Reply full = api.post("/concurrency_limits/increment",
                "{\"names\":[\"etl\"],\"task_run_id\":\"" + UUID.randomUUID() + "\"}").expect(423);
        assertEquals("\"Concurrency limit for the etl tag has been reached\"", full.detail());
        assertEquals("10.000", full.raw().headers().firstValue("Retry-After").orElseThrow());
        List<String> holders = api.get("/concurrency_limits/tag/etl").expect(200).object().getJsonArray("active_slots")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).sorted().toList();
        assertEquals(List.of(run1, run2).stream().sorted().toList(), holders);

        api.post("/concurrency_limits/decrement", "{\"names\":[\"etl\"],\"task_run_id\":\"" + run1 + "\",\"occupancy_seconds\":1}")
                .expect(200);
        assertEquals(List.of(run2), api.get("/concurrency_limits/tag/etl").object().getJsonArray("active_slots")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());
        assertEquals(1, activeSlots("tag:etl"));

        api.post("/concurrency_limits/tag/etl/reset", "{\"slot_override\":null}").expect(200);
        assertEquals(0, activeSlots("tag:etl"));
        assertEquals(0, api.get("/concurrency_limits/tag/etl").object().getJsonArray("active_slots").size());

        api.post("/v2/concurrency_limits/", "{\"name\":\"not-a-tag\",\"limit\":1}").expect(201);
        List<String> tags = api.post("/concurrency_limits/filter", "{}").expect(200).array().stream()
                .map(v -> v.asJsonObject().getString("tag")).toList();
        assertTrue(tags.contains("etl") && !tags.contains("not-a-tag"), tags.toString());

        api.post("/concurrency_limits/", "{\"tag\":\"never\",\"concurrency_limit\":0}").expect(201);
        assertTrue(api.post("/concurrency_limits/increment", "{\"names\":[\"never\"],\"task_run_id\":\"" + run1 + "\"}")
                .expect(423).detail().contains("is 0 and will deadlock"));

        api.delete("/concurrency_limits/tag/etl").expect(200);
        assertEquals("\"Concurrency limit not found\"", api.get("/concurrency_limits/tag/etl").expect(404).detail());
        api.delete("/concurrency_limits/tag/etl").expect(404);
        api.get("/v2/concurrency_limits/tag:etl").expect(404);
        api.delete("/concurrency_limits/" + api.get("/concurrency_limits/tag/never").object().getString("id")).expect(200);
        api.get("/concurrency_limits/" + UUID.randomUUID()).expect(404);
    }

    @Test
    void deletingALimitReleasesItFromLeasesOnOtherLimits() {
        api.post("/v2/concurrency_limits/", "{\"name\":\"keep\",\"limit\":1}").expect(201);
        api.post("/v2/concurrency_limits/", "{\"name\":\"drop\",\"limit\":1}").expect(201);
        String lease = api.post("/v2/concurrency_limits/increment-with-lease", "{\"names\":[\"keep\",\"drop\"],\"slots\":1}")
                .expect(200).object().getString("lease_id");
        api.delete("/v2/concurrency_limits/drop").expect(204);
        assertEquals(1, activeSlots("keep"));
        api.post("/v2/concurrency_limits/decrement-with-lease", "{\"lease_id\":\"" + lease + "\"}").expect(204);
        assertEquals(0, activeSlots("keep"), "the lease still gives back the limit that is left");
    }

    @Test
    void lifecycleEventsAuditRolesAndIsolation() {
        String id = api.post("/v2/concurrency_limits/", "{\"name\":\"evented\",\"limit\":2}").expect(201).object().getString("id");
        api.patch("/v2/concurrency_limits/evented", "{\"limit\":3}").expect(204);
        api.post("/v2/concurrency_limits/increment", "{\"names\":[\"evented\"],\"slots\":1}").expect(200);
        api.delete("/v2/concurrency_limits/" + id).expect(204);

        List<JsonObject> events = api.post("/events/filter", "{\"filter\":{\"event\":{\"prefix\":[\"prefect.concurrency-limit.\"]},"
                        + "\"resource\":{\"id\":[\"prefect.concurrency-limit." + id + "\"]},\"order\":\"ASC\"}}")
                .expect(200).object().getJsonArray("events").getValuesAs(JsonObject.class);
        assertEquals(List.of("prefect.concurrency-limit.created", "prefect.concurrency-limit.updated",
                "prefect.concurrency-limit.deleted"), events.stream().map(e -> e.getString("event")).toList(),
                "taking slots emits no lifecycle event");
        JsonObject updated = events.get(1);
        assertEquals("evented", updated.getJsonObject("resource").getString("prefect.resource.name"));
        JsonObject payload = updated.getJsonObject("payload");
        assertEquals(3, payload.getInt("limit"));
        assertEquals("evented", payload.getString("name"));
        assertTrue(payload.getBoolean("active") && payload.containsKey("slot_decay_per_second"), payload.toString());

        String audit = Workspaces.api(ws, ownerKey).get("/audit").expect(200).body();
        assertTrue(audit.contains("prefect.concurrency-limit.created") && audit.contains("prefect.concurrency-limit.deleted"));

        Api viewer = Workspaces.api(ws, Workspaces.issueKey(ws, "viewer"));
        api.post("/v2/concurrency_limits/", "{\"name\":\"viewed\",\"limit\":1}").expect(201);
        viewer.get("/v2/concurrency_limits/viewed").expect(200);
        viewer.post("/v2/concurrency_limits/filter", "{}").expect(200);
        viewer.post("/v2/concurrency_limits/", "{\"name\":\"by-viewer\",\"limit\":1}").expect(403);
        viewer.post("/v2/concurrency_limits/increment", "{\"names\":[\"viewed\"],\"slots\":1}").expect(403);
        viewer.delete("/v2/concurrency_limits/viewed").expect(403);

        String other = Workspaces.create("limits-other");
        Api otherApi = Workspaces.api(other, Workspaces.issueKey(other, "developer"));
        String viewedId = api.get("/v2/concurrency_limits/viewed").object().getString("id");
        otherApi.get("/v2/concurrency_limits/" + viewedId).expect(404);
        otherApi.get("/v2/concurrency_limits/viewed").expect(404);
        otherApi.delete("/v2/concurrency_limits/" + viewedId).expect(404);
        assertEquals(0, otherApi.post("/v2/concurrency_limits/increment", "{\"names\":[\"viewed\"],\"slots\":1}")
                .expect(200).array().size(), "another workspace's limit is no limit here");
        assertEquals(0, activeSlots("viewed"));
    }

    private int activeSlots(String idOrName) {
        return api.get("/v2/concurrency_limits/" + idOrName).expect(200).object().getInt("active_slots");
    }

    private void awaitActiveSlots(String name, int expected, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int now;
        while ((now = activeSlots(name)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": expected " + expected + " active slots, still " + now);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int key) {
        AtomicInteger c = statuses.get(key);
        return c == null ? 0 : c.get();
    }
}
