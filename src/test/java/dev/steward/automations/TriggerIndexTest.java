package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Json;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The index finds the triggers an event name may count: by plain name, by pattern, and those that count any name; and
 * it tells the event query which names to read: plain names, patterns as {@code LIKE}, or every name.
 */
class TriggerIndexTest {
    private static Armed armed(String trigger) {
        return Armed.of(UUID.randomUUID(), UUID.randomUUID(), "a", Trigger.read(Json.parse(trigger), "trigger"),
                List.of(), List.of(), List.of());
    }

    private static List<String> names(TriggerIndex index, String event) {
        return index.candidates(event).stream().map(e -> e.trigger().expect().toString()).toList();
    }

    @Test
    void plainNamesAreLookedUpAndPatternsAlwaysTested() {
        Armed plain = armed("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"a.done\"],"
                + "\"after\":[\"a.start\"],\"match\":{\"prefect.resource.id\":\"x\"}}");
        Armed other = armed("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"b.done\"],"
                + "\"match\":{\"prefect.resource.id\":\"x\"}}");
        TriggerIndex index = new TriggerIndex(List.of(plain, other));
        assertEquals(List.of("[a.done]"), names(index, "a.done"));
        assertEquals(List.of("[a.done]"), names(index, "a.start"), "after names find the trigger too");
        assertEquals(List.of(), names(index, "a.done.more"), "a prefix changes no bucket: not a candidate");
        assertEquals(Set.of("a.done", "a.start", "b.done"), index.plainNames());

        Armed wildcard = armed("{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"prefect.flow-run.*\"],"
                + "\"match\":{\"prefect.resource.id\":\"x\"}}");
        TriggerIndex mixed = new TriggerIndex(List.of(plain, wildcard));
        assertEquals(List.of("[a.done]", "[prefect.flow-run.*]"), names(mixed, "a.done"));
        assertEquals(List.of("[prefect.flow-run.*]"), names(mixed, "anything"));
        assertEquals(Set.of("a.done", "a.start"), mixed.plainNames());
        assertEquals(Set.of("prefect.flow-run.%"), mixed.likePatterns(), "the event query reads the pattern's names");
        assertFalse(mixed.anyName());
    }

    @Test
    void theEventQueryReadsEveryNameOnlyForWhatLikeCannotSay() {
        for (String pattern : List.of("!a.done", "a.[dD]one")) {
            TriggerIndex index = new TriggerIndex(List.of(armed("{\"type\":\"event\",\"posture\":\"Reactive\","
                    + "\"expect\":[\"" + pattern + "\"],\"match\":{\"prefect.resource.id\":\"x\"}}")));
            assertTrue(index.anyName(), pattern);
        }
        TriggerIndex noExpect = new TriggerIndex(List.of(armed("{\"type\":\"event\",\"posture\":\"Reactive\","
                + "\"match\":{\"prefect.resource.id\":\"x\"}}")));
        assertTrue(noExpect.anyName(), "no expect counts every name");
        assertEquals("a\\_b_\\%c\\\\%", TriggerIndex.like("a_b?%c\\*"), "LIKE's own wildcards escaped");
        assertNull(TriggerIndex.like("!a"));
    }
}
