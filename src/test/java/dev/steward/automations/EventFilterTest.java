package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.events.EventIntake;
import dev.steward.events.RunEvent;
import dev.steward.platform.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's event query on real PostgreSQL, with the filter its trigger indexes give: per workspace, it reads
 * exactly the events whose names a trigger's pattern matches as Prefect's {@code matches} does (so none that could
 * change a bucket is missed), and a pattern in one workspace does not make another workspace's events all read;
 * and in the order of their transactions.
 */
class EventFilterTest {
    static final List<String> NAMES = List.of("x", "x.a", "x.ab", "x.a.b", "xa", "y.done", "y%z", "y_z", "yaz",
            "y\\z", "a.b", "prefect.flow-run.Completed", "prefect.flow-run", "é.ü", "x.\n");
    static final List<String> PATTERNS = List.of("x.*", "x.?", "*.b", "y%z", "y_z", "y\\z", "x.a*b", "*", "x*",
            "prefect.flow-run.*", "?.?", "y.done");

    @Test
    void eachWorkspaceReadsExactlyTheNamesItsPatternsMatch() {
        Map<UUID, String> patternOf = new LinkedHashMap<>();
        Map<UUID, TriggerIndex> indexes = new HashMap<>();
        for (String pattern : PATTERNS) {
            UUID ws = AutomationRows.workspace("ef");
            patternOf.put(ws, pattern);
            indexes.put(ws, index(ws, "\"expect\":[" + Json.createValue(pattern) + "]"));
            writeEveryName(ws);
        }
        Map<UUID, Set<String>> read = read(indexes);
        patternOf.forEach((ws, pattern) -> assertEquals(NAMES.stream()
                .filter(n -> EventTrigger.nameMatches(pattern, n)).collect(Collectors.toCollection(TreeSet::new)),
                read.getOrDefault(ws, Set.of()), pattern));
    }

    @Test
    void aPatternOrANegationReadsOnlyItsOwnWorkspacesOtherNames() {
        UUID plain = AutomationRows.workspace("ef");
        UUID wildcard = AutomationRows.workspace("ef");
        UUID negated = AutomationRows.workspace("ef");
        UUID metricOnly = AutomationRows.workspace("ef");
        for (UUID ws : List.of(plain, wildcard, negated, metricOnly)) writeEveryName(ws);
        Map<UUID, TriggerIndex> indexes = Map.of(
                plain, index(plain, "\"expect\":[\"y.done\"],\"after\":[\"x.a\"]"),
                wildcard, index(wildcard, "\"expect\":[\"x.*\"]"),
                negated, index(negated, "\"expect\":[\"!y.done\"]"),
                metricOnly, new TriggerIndex(List.of()));
        Map<UUID, Set<String>> read = read(indexes);
        assertEquals(Set.of("x.a", "y.done"), read.get(plain), "its names only, whatever other workspaces expect");
        assertEquals(Set.of("x.a", "x.ab", "x.a.b", "x.\n"), read.get(wildcard));
        assertEquals(new TreeSet<>(NAMES), read.get(negated), "a negation may count any name");
        assertEquals(null, read.get(metricOnly), "no event trigger: nothing to read");
    }

    @Test
    void eventsComeInTheOrderOfTheirTransactionsWhateverTheirIdsLength() {
        UUID ws = AutomationRows.workspace("ef");
        UUID nines = UUID.randomUUID();
        UUID longer = UUID.randomUUID();
        AutomationRows.sf().inTransaction(s -> s.createNativeMutationQuery("insert into event (id, workspace_id, "
                        + "occurred, received, event, resource_id, resource, tx) values (:longer, :ws, now(), now(), "
                        + "'x.a', 'x', '{}', '100000'), (:nines, :ws, now(), now(), 'x.a', 'x', '{}', '99999')")
                .setParameter("longer", longer).setParameter("nines", nines).setParameter("ws", ws).executeUpdate());
        EvaluationStore.EventFilter filter = new EvaluationStore.EventFilter(List.of(ws), List.of(), List.of(),
                List.of(), List.of());
        EvaluationStore.Cursor start = new EvaluationStore.Cursor("0", new UUID(0, 0), new UUID(0, 0));
        List<EvaluationStore.Committed> first = AutomationRows.sf().fromTransaction(s -> s.doReturningWork(c ->
                new EvaluationStore(c).eventsAfter(start, Long.toUnsignedString(-1L), filter, 1)));
        assertEquals(nines.toString(), first.get(0).event().getString("id"), "transaction 99999 before 100000");
        List<EvaluationStore.Committed> next = AutomationRows.sf().fromTransaction(s -> s.doReturningWork(c ->
                new EvaluationStore(c).eventsAfter(first.get(0).at(), Long.toUnsignedString(-1L), filter, 1)));
        assertEquals(longer.toString(), next.get(0).event().getString("id"));
    }

    private static TriggerIndex index(UUID ws, String names) {
        return new TriggerIndex(List.of(Armed.of(UUID.randomUUID(), ws, "a", Trigger.read(Json.parse("{\"type\":"
                + "\"event\",\"posture\":\"Reactive\"," + names + ",\"match\":{\"prefect.resource.id\":\"x\"}}"),
                "trigger"), List.of(), List.of(), List.of())));
    }

    private static void writeEveryName(UUID ws) {
        Instant now = Instant.now();
        List<RunEvent> events = NAMES.stream().map(name -> new RunEvent(ws, UUID.randomUUID(), now, name,
                Json.createObjectBuilder().add("prefect.resource.id", "x").build(), JsonValue.EMPTY_JSON_ARRAY,
                JsonValue.EMPTY_JSON_OBJECT, null)).toList();
        AutomationRows.sf().inTransaction(s -> s.doWork(c -> EventIntake.write(c, ws, events, false, now)));
    }

    /** The names read for each workspace, from the start of the event table to the newest transaction id. */
    private static Map<UUID, Set<String>> read(Map<UUID, TriggerIndex> indexes) {
        EvaluationStore.EventFilter filter = EvaluationStore.EventFilter.of(indexes);
        EvaluationStore.Cursor start = new EvaluationStore.Cursor("0", new UUID(0, 0), new UUID(0, 0));
        return AutomationRows.sf().fromTransaction(s -> s.doReturningWork(c -> new EvaluationStore(c)
                        .eventsAfter(start, Long.toUnsignedString(-1L), filter, 100_000)))
                .stream().collect(Collectors.groupingBy(EvaluationStore.Committed::workspaceId,
                        Collectors.mapping(e -> e.event().getString("event"), Collectors.toCollection(TreeSet::new))));
    }
}
