package dev.steward.events;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** count-by over stored events on real PostgreSQL: time buckets from Prefect's pivot, event names, resources. */
class EventCountsTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z"); // a Monday
    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static SessionFactory sf;
    static UUID ws;

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        sf.inTransaction(s -> s.persist(new Workspace(ws, "c-" + ws.toString().substring(0, 8), "C", Instant.now())));
        TenantScope.system(ws).run(() -> sf.inTransaction(s -> {
            s.persist(event(T0.plusSeconds(60), "prefect.flow-run.Running", "prefect.flow-run.1", "old-name"));
            s.persist(event(T0.plusSeconds(120), "prefect.flow-run.Completed", "prefect.flow-run.1", "new-name"));
            s.persist(event(T0.plusSeconds(3 * 3600), "prefect.flow-run.Running", "prefect.flow-run.2", null));
            s.persist(event(T0.plusSeconds(3 * 3600 + 1), "prefect.flow.created", "prefect.flow.9", "flow"));
        }));
    }

    static StoredEvent event(Instant at, String name, String resourceId, String resourceName) {
        String resource = "{\"prefect.resource.id\":\"" + resourceId + "\""
                + (resourceName == null ? "" : ",\"prefect.resource.name\":\"" + resourceName + "\"") + "}";
        return new StoredEvent(UUID.randomUUID(), at, at, name, resourceId, resource, "[]", "{}", null);
    }

    static JsonArray count(String countable, String unit, double interval, String since, String until) {
        EventCriteria criteria = EventCriteria.parse(Body.parse("{\"occurred\":{\"since\":\"" + since + "\",\"until\":\"" + until + "\"}}"));
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> EventCounts.count(s, criteria,
                EventCounts.Countable.valueOf(countable), EventCounts.TimeUnit.valueOf(unit), interval, NOW)));
    }

    @Test
    void timeBucketsAreLaidFromThePivotAndBackfilled() {
        JsonArray hours = count("time", "hour", 1, "2026-03-02T10:30:00Z", "2026-03-02T14:00:00Z");
        assertEquals(4, hours.size(), "from 10:00 (holding since) to before until (14:00), as Prefect lays them");
        JsonObject first = hours.getJsonObject(0);
        assertEquals("0", first.getString("value"));
        assertEquals("2026-03-02T10:00:00+00:00", first.getString("label"));
        assertEquals("2026-03-02T10:00:00Z", first.getString("start_time"));
        assertEquals("2026-03-02T10:59:59.999999Z", first.getString("end_time"));
        assertEquals(0, first.getInt("count"), "the events at 10:01 and 10:02 are before since (10:30)");
        assertEquals(0, hours.getJsonObject(1).getInt("count"));
        assertEquals(2, hours.getJsonObject(3).getInt("count"));

        JsonArray halfDays = count("time", "day", 0.5, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z");
        assertEquals(2, halfDays.size());
        assertEquals(2, halfDays.getJsonObject(0).getInt("count"));
        assertEquals(2, halfDays.getJsonObject(1).getInt("count"));
    }

    @Test
    void dayCountsByWholeDaysAndAFutureEndStopsAtTheCurrentUnit() {
        JsonArray days = count("day", "second", 1, "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z");
        assertEquals(10, days.size(), "March 1st to the end of today (NOW is March 10th)");
        assertEquals(4, days.getJsonObject(1).getInt("count"));
        assertEquals("2026-03-10T23:59:59.999999Z", days.getJsonObject(9).getString("end_time"));
    }

    @Test
    void byEventAndByResource() {
        JsonArray events = count("event", "day", 1, "2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z");
        assertEquals(3, events.size());
        JsonObject running = events.getJsonObject(0);
        assertEquals("prefect.flow-run.Running", running.getString("value"));
        assertEquals(2, running.getInt("count"));
        assertEquals(T0.plusSeconds(60).toString(), running.getString("start_time"));
        assertEquals("prefect.flow-run.Completed", events.getJsonObject(1).getString("label"), "ties ordered by label");

        JsonArray resources = count("resource", "day", 1, "2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z");
        JsonObject one = resources.getJsonObject(0);
        assertEquals("prefect.flow-run.1", one.getString("value"));
        assertEquals("new-name", one.getString("label"), "the newest name labels a resource");
        assertEquals(2, one.getInt("count"));
        assertTrue(resources.stream().anyMatch(r -> r.asJsonObject().getString("label").equals("prefect.flow-run.2")),
                "a resource without a name is labelled by its id");
    }

    @Test
    void moreThanAThousandBucketsIsA422() {
        Problem e = assertThrows(Problem.class,
                () -> count("event", "second", 1, "2026-03-01T00:00:00Z", "2026-03-01T00:16:41Z"));
        assertEquals(422, ErrorMappers.status(e));
        assertTrue(e.detail().toString().contains("would create 1001 buckets"), e.detail().toString());
        assertEquals(1000, count("time", "second", 1, "2026-03-01T00:00:00Z", "2026-03-01T00:16:39.5Z").size());
    }

    @Test
    void endOfPeriodAndLabels() {
        assertEquals(Instant.parse("2026-03-15T23:59:59.999999Z"),
                EventCounts.endOfPeriod(Instant.parse("2026-03-10T12:00:00Z"), EventCounts.TimeUnit.week));
        assertEquals("2026-03-10T12:00:00.500000+00:00", EventCounts.isoLabel(Instant.parse("2026-03-10T12:00:00.5Z")));
    }
}
