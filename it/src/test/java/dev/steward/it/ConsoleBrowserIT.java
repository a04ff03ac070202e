package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.cleanup.CleanupMessage;
import dev.steward.cleanup.CleanupPolicy;
import dev.steward.cleanup.CleanupQueue;
import dev.steward.cleanup.OperationResult;
import dev.steward.cleanup.PoolKey;
import dev.steward.devstack.TestStack;
import dev.steward.platform.Json;
import dev.steward.platform.Redis;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The console in real Chromium (it/browser/console.test.mjs): Keycloak's login page, variables and API keys, live
 * updates from the REST API, a viewer's read-only view, and the cleanup queues page on dead letters made for real in
 * the stack's Redis. Screenshots under it/screenshots/.
 */
class ConsoleBrowserIT {
    private static final String KIND = "cancelling_timeout_teardown.v1";

    @Test
    void consoleWorksInChromium() throws Exception {
        // the realm's groups give alice (owner) and bob (viewer) roles in the workspace "default"
        int status = Workspaces.admin().post("/workspaces", "{\"slug\":\"default\",\"name\":\"Default workspace\"}").status();
        if (status != 201 && status != 409) throw new AssertionError("could not create workspace default: " + status);
        String key = Workspaces.issueKey("default", "developer");
        Api admin = Workspaces.api("default", Workspaces.issueKey("default", "admin"));
        String pool = "teardowns-" + UUID.randomUUID().toString().substring(0, 8);
        List<UUID> dead = deadLetters(pool, admin, 3);

        int exit = Processes.run(List.of("bash", "it/browser/run.sh"), Map.of(
                "STEWARD_URL", TestStack.get().appUrl(),
                "STEWARD_WORKSPACE", "default",
                "STEWARD_API_KEY", key,
                "STEWARD_CLEANUP_POOL", pool,
                "STEWARD_DEAD_LETTERS", String.join(",", dead.stream().map(UUID::toString).toList())), 10);
        assertEquals(0, exit, "the browser test failed: see its output above");

        // the browser redrove the newest dead letter and purged the next one: the API agrees
        JsonObject stats = admin.get("/cleanup/" + pool).expect(200).object();
        assertEquals(1, stats.getInt("dead_letters"), stats.toString());
        assertEquals(1, stats.getInt("visible"), stats.toString());
        assertEquals(3, stats.getInt("dead_lettered"), stats.toString());
        assertEquals("visible", admin.get("/cleanup/" + pool + "/messages/" + dead.get(2)).expect(200).object()
                .getString("state"));
        admin.get("/cleanup/" + pool + "/messages/" + dead.get(1)).expect(404);
        assertEquals(dead.get(0).toString(), admin.get("/cleanup/" + pool + "/dead_letters").expect(200).array()
                .getJsonObject(0).getString("message_id"));
    }

    /**
     * Makes {@code count} dead letters in a new work pool of the workspace as the server would: the product's queue on
     * the stack's Redis, each message reserved and released (with the worker's reason) until its last attempt. Returns
     * their ids, oldest first.
     */
    private static List<UUID> deadLetters(String poolName, Api api, int count) throws InterruptedException {
        String poolId = api.post("/work_pools/", "{\"name\":\"" + poolName + "\",\"type\":\"process\"}").expect(201)
                .object().getString("id");
        String workspaceId = Workspaces.admin().get("/workspaces/default").expect(200).object().getString("id");
        PoolKey pool = new PoolKey(UUID.fromString(workspaceId), UUID.fromString(poolId));
        // two attempts and no backoff, so a message is dead after two releases in a row
        CleanupPolicy policy = new CleanupPolicy(Duration.ofSeconds(30), 2, Duration.ZERO, Duration.ZERO, 0,
                Duration.ofDays(1));
        List<UUID> ids = new ArrayList<>();
        Redis redis = Redis.at(TestStack.get().endpoints().redisUrl());
        try {
            CleanupQueue queue = new CleanupQueue(redis, Clock.systemUTC(), policy);
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                JsonObject target = Json.createObjectBuilder().add("flow_run_id", UUID.randomUUID().toString())
                        .add("infrastructure_pid", "host:" + (4242 + i)).build();
                queue.enqueue(pool, null, id, "console-it:" + id, KIND, target, Json.createObjectBuilder().build());
                List<String> reasons = List.of("infrastructure_not_available", "process " + (4242 + i) + " not found");
                for (int attempt = 1; attempt <= reasons.size(); attempt++) {
                    CleanupMessage m = queue.reserve(pool, "console-it", null, null, false);
                    assertEquals(id, m.messageId());
                    OperationResult r = queue.release(pool, id, m.reservationToken(), reasons.get(attempt - 1));
                    assertEquals(attempt == reasons.size() ? OperationResult.Status.DEAD_LETTERED
                            : OperationResult.Status.ACCEPTED, r.status());
                }
                ids.add(id);
                Thread.sleep(5); // dead letters are ordered by the millisecond they died: keep the order certain
            }
        } finally {
            redis.close();
        }
        return ids;
    }
}
