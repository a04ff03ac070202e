package dev.steward.events;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prefect's event filters (related, any_resource, resource labels, text, distinct) over stored events on real
 * PostgreSQL, and the live matcher of the events-out stream, which must agree with the stored query on every filter.
 */
class EventFiltersTest {
    static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
    static SessionFactory sf;
    static UUID ws;
    /** Event name → event, in the order stored. */
    static final Map<String, StoredEvent> events = new LinkedHashMap<>();

    static String rel(String id, String role, String name) {
        return "{\"prefect.resource.id\":\"" + id + "\"" + (role == null ? "" : ",\"prefect.resource.role\":\"" + role + "\"")
                + (name == null ? "" : ",\"prefect.resource.name\":\"" + name + "\"") + "}";
    }

    static void add(String key, int second, String name, String resourceId, String resourceName, String related, String payload) {
        String resource = "{\"prefect.resource.id\":\"" + resourceId + "\""
                + (resourceName == null ? "" : ",\"prefect.resource.name\":\"" + resourceName + "\"") + "}";
        events.put(key, new StoredEvent(UUID.randomUUID(), T0.plusSeconds(second), T0.plusSeconds(second), name, resourceId,
                resource, related, payload, null));
    }

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(ws, "e-" + ws.toString().substring(0, 8), "E", Instant.now()));
            s.persist(new Workspace(other, "e-" + other.toString().substring(0, 8), "O", Instant.now()));
        });
        add("e1", 1, "prefect.flow-run.Running", "prefect.flow-run.R1", "run-one",
                "[" + rel("prefect.flow.F1", "flow", "etl") + "]", "{\"intended\":{\"from\":\"PENDING\"}}");
        add("e2", 2, "prefect.task-run.Completed", "prefect.task-run.T1", "extract-0",
                "[" + rel("prefect.flow-run.R1", "flow-run", "run-one") + "," + rel("prefect.flow.F1", "flow", "etl") + ","
                        + rel("prefect.tag.db", "tag", null) + "]", "{}");
        add("e3", 3, "prefect.task-run.Failed", "prefect.task-run.T2", "load_0",
                "[" + rel("prefect.flow-run.R1", "flow-run", "run-one") + "," + rel("prefect.flow.F2", "flow", "other") + "]",
                "{\"message\":\"Connection timeout reached\"}");
        add("e4", 4, "prefect.variable.created", "prefect.variable.V1", "greeting", "[]",
                "{\"value\":\"Hello World\",\"share\":\"50%\"}");
        add("e5", 5, "prefect.flow-run.Completed", "prefect.flow-run.R1", "run-one",
                "[" + rel("prefect.flow.F1", "flow", "etl") + "]", "{}");
        add("e6", 6, "prefect.task-run.Pending", "prefect.task-run.T3", "loadx0",
                "[\"x\", 5, " + rel("prefect.flow.F1", null, "etl") + "]", "{}");
        TenantScope.system(ws).run(() -> sf.inTransaction(s -> events.values().forEach(s::persist)));
        TenantScope.system(other).run(() -> sf.inTransaction(s -> s.persist(new StoredEvent(UUID.randomUUID(), T0.plusSeconds(1),
                T0, "prefect.task-run.Completed", "prefect.task-run.X", "{\"prefect.resource.id\":\"prefect.task-run.X\"}",
                "[" + rel("prefect.flow.F1", "flow", "etl") + "]", "{\"message\":\"timeout\"}", null))));
    }

    static String range() {
        return "\"occurred\":{\"since\":\"" + T0 + "\",\"until\":\"" + T0.plusSeconds(60) + "\"},\"order\":\"ASC\"";
    }

    /** The events the stored query returns, checked against its count and the live matcher. */
    static List<String> find(String parts) {
        EventCriteria criteria = EventCriteria.parse(Body.parse("{" + range() + (parts.isEmpty() ? "" : "," + parts) + "}"));
        List<String> stored = TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            EventQuery query = new EventQuery(criteria);
            List<String> keys = query.page(s, 0, 100).stream().map(EventFiltersTest::key).toList();
            assertEquals(keys.size(), query.count(s), "count agrees with the page for " + parts);
            return keys;
        }));
        if (!criteria.distinct) {
            List<String> live = new ArrayList<>();
            events.forEach((key, e) -> {
                JsonObject wire = EventJson.of(e);
                if (criteria.matches(wire)) live.add(key);
            });
            assertEquals(stored, live, "the live matcher agrees with the stored query on " + parts);
        }
        return stored;
    }

    static String key(StoredEvent e) {
        return events.entrySet().stream().filter(x -> x.getValue().getId().equals(e.getId())).findFirst()
                .map(Map.Entry::getKey).orElse("other workspace's " + e.getId());
    }

    @Test
    void relatedById_RoleAndPairs() {
        assertEquals(List.of("e1", "e2", "e5"), find("\"related\":{\"id\":[\"prefect.flow.F1\"]}"),
                "e6's F1 has no role: not a related resource as Prefect stores them");
        assertEquals(List.of("e2", "e3"), find("\"related\":{\"role\":[\"flow-run\"]}"));
        assertEquals(List.of("e2", "e3"), find("\"related\":{\"resources_in_roles\":[[\"prefect.flow-run.R1\",\"flow-run\"]]}"));
        assertEquals(List.of(), find("\"related\":{\"resources_in_roles\":[[\"prefect.flow-run.R1\",\"flow\"]]}"));
        assertEquals(List.of("e1", "e2", "e5"), find("\"related\":{\"id\":[\"prefect.flow.F1\"],\"role\":[\"flow\"],"
                + "\"resources_in_roles\":[[\"prefect.flow.F1\",\"flow\"],[\"prefect.tag.db\",\"tag\"]],"
                + "\"labels\":{\"prefect.resource.name\":\"etl\"}}"));
        assertEquals(List.of("e1", "e2", "e5"), find("\"related\":{\"id\":[\"prefect.flow.F1\"],\"role\":[\"flow\"]}"));
        assertEquals(List.of(), find("\"related\":{\"id\":[\"prefect.flow.F1\"],\"role\":[\"flow-run\"]}"),
                "id and role hold for the same related resource");
    }

    @Test
    void relatedByLabels() {
        assertEquals(List.of("e1", "e2", "e5"), find("\"related\":{\"labels\":{\"prefect.resource.name\":\"et*\"}}"));
        assertEquals(List.of("e1", "e2", "e3", "e5"), find("\"related\":{\"labels\":{\"prefect.resource.id\":\"prefect.flow.*\","
                + "\"prefect.resource.role\":\"flow\"}}"));
        assertEquals(List.of("e2", "e3"), find("\"related\":{\"labels\":{\"prefect.resource.name\":\"!etl\"}}"),
                "a negated glob matches resources that have the label with another value, not those without it");
        assertEquals(List.of("e2"), find("\"related\":{\"labels\":{\"prefect.resource.id\":[\"prefect.tag.?b\",\"nope\"]}}"));
        assertEquals(List.of(), find("\"related\":{\"labels\":{\"prefect.resource.name\":[]}}"), "an empty label list matches nothing");
        assertEquals(List.of("e1", "e2", "e3", "e5"), find("\"related\":{\"labels\":{\"prefect.resource.id\":[]}}"),
                "an empty id label is no condition, but a related filter still wants a related resource");
    }

    @Test
    void relatedListsAndEmptyFilters() {
        assertEquals(List.of("e3"), find("\"related\":[{\"role\":[\"flow-run\"]},{\"id\":[\"prefect.flow.F2\"]}]"));
        assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6"), find("\"related\":{}"));
        assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6"), find("\"related\":[]"));
        assertEquals(List.of("e1", "e2", "e3", "e4", "e5", "e6"), find("\"related\":{\"role\":[\"\"]}"),
                "the role \"\" is the primary resource's, as in Prefect's event_resources");
    }

    @Test
    void anyResource() {
        assertEquals(List.of("e1", "e2", "e3", "e5"), find("\"any_resource\":{\"id\":[\"prefect.flow-run.R1\"]}"));
        assertEquals(List.of("e2"), find("\"any_resource\":[{\"id_prefix\":[\"prefect.task-run.\"]},"
                + "{\"labels\":{\"prefect.resource.role\":\"tag\"}}]"));
        assertEquals(List.of("e4"), find("\"any_resource\":{\"labels\":{\"prefect.resource.name\":\"greet*\"}}"));
        assertEquals(List.of("e1", "e2", "e5", "e6"), find("\"any_resource\":{\"id\":[\"prefect.flow.F1\"],"
                + "\"labels\":{\"prefect.resource.name\":\"etl\"},\"id_prefix\":[\"prefect.flow.\"]}"),
                "any resource, e6's role-less F1 included");
    }

    @Test
    void resourceLabelsAreGlobs() {
        assertEquals(List.of("e3"), find("\"resource\":{\"labels\":{\"prefect.resource.name\":\"load_0\"}}"), "_ is literal");
        assertEquals(List.of("e3", "e6"), find("\"resource\":{\"labels\":{\"prefect.resource.name\":\"load?0\"}}"));
        assertEquals(List.of("e2", "e3", "e4", "e6"), find("\"resource\":{\"labels\":{\"prefect.resource.name\":\"!run-one\"}}"));
        assertEquals(List.of(), find("\"resource\":{\"labels\":{\"custom\":\"!x\"}}"), "a missing label matches nothing");
        assertEquals(List.of("e2", "e3", "e6"), find("\"resource\":{\"labels\":{\"prefect.resource.id\":\"prefect.task-run.*\"}}"));
        assertEquals(List.of("e1", "e5"), find("\"resource\":{\"id\":[\"prefect.flow-run.R1\"],\"id_prefix\":[\"prefect.flow\"]}"));
    }

    @Test
    void textSearch() {
        assertEquals(List.of("e3"), find("\"text\":{\"query\":\"TIMEOUT\"}"));
        assertEquals(List.of("e4"), find("\"text\":{\"query\":\"\\\"hello world\\\"\"}"));
        assertEquals(List.of(), find("\"text\":{\"query\":\"hello -world\"}"));
        assertEquals(List.of("e1", "e5", "e6"), find("\"text\":{\"query\":\"etl -prefect.task-run.c -prefect.task-run.f\"}"));
        assertEquals(List.of("e3"), find("\"text\":{\"query\":\"+timeout +connection\"}"));
        assertEquals(List.of("e4"), find("\"text\":{\"query\":\"50%\"}"), "% is literal");
        assertEquals(List.of(), find("\"text\":{\"query\":\"5%0\"}"));
        assertEquals(6, find("\"text\":{\"query\":\"   \"}").size(), "a blank query is no condition");
        Problem tooLong = assertThrows(Problem.class, () -> find("\"text\":{\"query\":\"" + "x".repeat(201) + "\"}"));
        assertTrue(tooLong.detail().toString().contains("at most 200"));
        assertThrows(Problem.class, () -> find("\"text\":{}"));
    }

    @Test
    void distinctKeepsEachResourcesFirstEventInOrder() {
        assertEquals(List.of("e1", "e2", "e3", "e4", "e6"), find("\"resource\":{\"distinct\":true}"));
        EventCriteria newest = EventCriteria.parse(Body.parse("{\"occurred\":{\"since\":\"" + T0 + "\",\"until\":\""
                + T0.plusSeconds(60) + "\"},\"order\":\"DESC\",\"resource\":{\"distinct\":true,\"id_prefix\":[\"prefect.flow-run.\"]}}"));
        List<String> keys = TenantScope.system(ws).supply(() -> sf.fromTransaction(s ->
                new EventQuery(newest).page(s, 0, 10).stream().map(EventFiltersTest::key).toList()));
        assertEquals(List.of("e5"), keys);
    }

    @Test
    void badFiltersAre422s() {
        for (String bad : List.of("\"related\":{\"nope\":1}", "\"related\":{\"resources_in_roles\":[[\"a\"]]}",
                "\"related\":{\"resources_in_roles\":[[\"a\",1]]}", "\"related\":[1]", "\"related\":\"x\"",
                "\"any_resource\":{\"labels\":{\"a\":1}}", "\"any_resource\":{\"labels\":{\"a\":[null]}}",
                "\"resource\":{\"distinct\":\"yes\"}", "\"text\":{\"query\":5}", "\"text\":{\"query\":\"a\",\"x\":1}",
                "\"event\":{\"names\":[\"a\"]}", "\"occurred\":{\"from\":\"x\"}", "\"id\":{\"id\":[\"not-a-uuid\"]}")) {
            assertThrows(Problem.class, () -> EventCriteria.parse(Body.parse("{" + bad + "}")), bad);
        }
    }

    @Test
    void textQueriesParseAsPrefectsDo() {
        var q = EventCriteria.TextSearch.parse("error -debug !trace +\"must have\" \"a \\\"quoted\\\" one\" - + lone\"x y\"");
        assertEquals(List.of("error", "a \"quoted\" one", "lone", "x y"), q.include());
        assertEquals(List.of("debug", "trace"), q.exclude());
        assertEquals(List.of("must have"), q.required());
        assertTrue(EventCriteria.TextSearch.parse("  \"  \" ").isEmpty());
    }

    @Test
    void globsTranslateToLikeAndRegex() {
        var g = EventCriteria.Glob.of("a*b?c_d%e\\f");
        assertEquals("a%b_c\\_d\\%e\\\\f", g.like());
        assertTrue(g.matches("aXXbYc_d%e\\f"));
        assertTrue(!g.matches("ab"));
        assertTrue(EventCriteria.Glob.of("!x*").matches("y"));
        assertTrue(!EventCriteria.Glob.of("!x*").matches(null));
        assertTrue(EventCriteria.Glob.of("abc").exact());
        assertTrue(!EventCriteria.Glob.of("a?c").exact());
    }
}
