package dev.steward.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.devstack.TestStack;
import jakarta.json.JsonArray;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the server on one PostgreSQL and Redis, as behind a load balancer: what one writes the other
 * reads, and workers polling both for the same pool never get one run twice.
 */
class TwoInstancesIT {
    private static final int RUNS = 200;
    private static final int POLLERS = 8;

    @Test
    void pollersOnBothInstancesNeverShareARun() throws Exception {
        String ws = Workspaces.create("two");
        String key = Workspaces.issueKey(ws, "developer");
        Api first = Workspaces.api(ws, key);
        Api second = Api.bearer(TestStack.get().stack().secondApp() + "/api/workspaces/" + ws, key);

        first.post("/work_pools/", "{\"name\":\"shared\",\"type\":\"process\"}").expect(201);
        assertEquals("shared", second.get("/work_pools/shared").expect(200).object().getString("name"),
                "a pool made on one instance is read on the other");
        String flow = second.post("/flows/", "{\"name\":\"two-instances\"}").expect(201).object().getString("id");
        Instant due = Instant.now().minusSeconds(5);
        Set<String> created = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < RUNS; i++) {
            Api via = i % 2 == 0 ? first : second;
            created.add(via.post("/flow_runs/", "{\"flow_id\":\"" + flow + "\",\"work_pool_name\":\"shared\","
                    + "\"state\":{\"type\":\"SCHEDULED\",\"state_details\":{\"scheduled_time\":\"" + due + "\"}}}")
                    .expect(201).object().getString("id"));
        }

        // each poller alternates between the instances, as a worker behind a load balancer would
        Map<String, Integer> handedOut = new ConcurrentHashMap<>();
        AtomicInteger polls = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(POLLERS);
        List<Future<?>> pollers = new ArrayList<>();
        for (int p = 0; p < POLLERS; p++) {
            int offset = p;
            pollers.add(pool.submit(() -> {
                int emptyInARow = 0;
                for (int round = 0; emptyInARow < 3 && round < 1_000; round++) {
                    Api via = (round + offset) % 2 == 0 ? first : second;
                    JsonArray got = via.post("/work_pools/shared/get_scheduled_flow_runs",
                            "{\"scheduled_before\":\"" + Instant.now() + "\",\"limit\":7}").expect(200).array();
                    polls.incrementAndGet();
                    got.forEach(r -> handedOut.merge(r.asJsonObject().getJsonObject("flow_run").getString("id"), 1, Integer::sum));
                    emptyInARow = got.isEmpty() ? emptyInARow + 1 : 0;
                }
                return null;
            }));
        }
        for (Future<?> poller : pollers) poller.get(5, TimeUnit.MINUTES);
        pool.shutdown();

        List<String> twice = handedOut.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(twice.isEmpty(), "runs handed out more than once: " + twice);
        assertEquals(created, handedOut.keySet(), "every run handed out once, in " + polls.get() + " polls");
    }
}
