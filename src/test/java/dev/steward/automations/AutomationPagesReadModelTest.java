package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.steward.access.TenantScope;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The automations pages' reads on real PostgreSQL: the list searched, sorted and paged with when each last fired, and
 * an automation's firings with their actions' outcomes, newest first; another workspace's automations and firings,
 * with the same names, never show.
 */
class AutomationPagesReadModelTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static SessionFactory sf;
    static UUID ws;
    static UUID other;
    static UUID etl;

    @BeforeAll
    static void data() {
        sf = AutomationRows.sf();
        ws = AutomationRows.workspace("p");
        other = AutomationRows.workspace("o");
        etl = automation(ws, "etl_failures", 1);
        automation(ws, "Pool watch", 2);
        automation(ws, "stuck runs", 3);
        firing(ws, etl, T0.plusSeconds(60), "succeeded", null);
        firing(ws, etl, T0.plusSeconds(120), "failed", "webhook answered HTTP 500");
        UUID otherEtl = automation(other, "etl_failures", 1);
        firing(other, otherEtl, T0.plusSeconds(600), "succeeded", null);
    }

    @Test
    void theListSearchesSortsPagesAndKnowsWhenEachLastFired() {
        List<AutomationsPageReadModel.Row> byName = list(m -> m.page("", AutomationSort.NAME_ASC, 0, 10));
        assertEquals(List.of("Pool watch", "etl_failures", "stuck runs"), byName.stream()
                .map(AutomationsPageReadModel.Row::name).toList());
        assertEquals(T0.plusSeconds(120), byName.get(1).lastFired(), "the newest firing of this workspace");
        assertNull(byName.get(0).lastFired());
        assertEquals(List.of("stuck runs"), list(m -> m.page("", AutomationSort.CREATED_DESC, 0, 1)).stream()
                .map(AutomationsPageReadModel.Row::name).toList());
        assertEquals(List.of("etl_failures"), list(m -> m.page("L_F", AutomationSort.NAME_ASC, 0, 10)).stream()
                .map(AutomationsPageReadModel.Row::name).toList(), "contains, any case, _ taken literally");
        assertEquals(3L, (long) list(m -> m.count("")));
        assertEquals(0L, (long) list(m -> m.count("%")));
    }

    @Test
    void anAutomationsFiringsWithTheirActionsNewestFirst() {
        List<AutomationPageReadModel.Fired> firings = page(m -> m.firings(etl, 0, 10));
        assertEquals(List.of(T0.plusSeconds(120), T0.plusSeconds(60)), firings.stream()
                .map(AutomationPageReadModel.Fired::triggered).toList());
        AutomationPageReadModel.ActionOutcome failed = firings.get(0).actions().get(0);
        assertEquals("failed", failed.status());
        assertEquals("webhook answered HTTP 500", failed.reason());
        assertEquals("call-webhook", failed.type());
        assertEquals("x.ping", firings.get(0).triggeringEvent().getString("event"));
        assertEquals(2L, (long) page(m -> m.count(etl)));
        assertEquals(1, page(m -> m.firings(etl, 1, 10)).size());
    }

    private static <T> T list(Function<AutomationsPageReadModel, T> read) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            AutomationsPageReadModel model = new AutomationsPageReadModel();
            model.em = s;
            return read.apply(model);
        }));
    }

    private static <T> T page(Function<AutomationPageReadModel, T> read) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s -> {
            AutomationPageReadModel model = new AutomationPageReadModel();
            model.em = s;
            return read.apply(model);
        }));
    }

    /** An automation created {@code minutes} after T0. */
    private static UUID automation(UUID workspace, String name, int minutes) {
        return AutomationRows.automation(workspace, name, T0.plusSeconds(60L * minutes));
    }

    /** A firing of the automation at {@code at}, on an x.ping event, with one call-webhook action in that status. */
    private static void firing(UUID workspace, UUID automation, Instant at, String status, String reason) {
        UUID firing = AutomationRows.firing(workspace, automation, at);
        AutomationRows.actionRun(workspace, automation, firing, status, 1, at, null, reason, at);
    }
}
