package dev.steward.automations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.access.TenantScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Retention on real PostgreSQL: firings past it go with their action runs, in bounded batches, but never one with a
 * run unfinished or finished within it, nor an automation's newest; the automation's page lists what is left.
 */
class AutomationRetentionTest {
    static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    final UUID ws = AutomationRows.workspace("rt");
    final UUID automation = AutomationRows.automation(ws, "hook", NOW.minus(days(90)));

    @Test
    void firingsPastTheRetentionGoWithTheirRunsUnlessARunIsUnfinished() {
        UUID old = finished(days(40), "succeeded", days(40));
        UUID oldFailed = finished(days(35), "failed", days(35));
        UUID oldPending = firing(days(45));
        UUID pending = AutomationRows.actionRun(ws, automation, oldPending, "pending", 1, NOW.plusSeconds(4), null,
                "no answer", null);
        UUID oldRunning = firing(days(44));
        AutomationRows.actionRun(ws, automation, oldRunning, "running", 5, NOW.minus(days(44)),
                NOW.minus(days(44)), null, null);
        UUID finishedLately = finished(days(50), "succeeded", days(1));
        UUID recent = finished(days(2), "succeeded", days(2));
        UUID otherAutomation = AutomationRows.automation(ws, "quiet", NOW.minus(days(90)));
        UUID itsNewest = AutomationRows.firing(ws, otherAutomation, NOW.minus(days(60)));

        AutomationRetention retention = retention(Duration.ofDays(30));
        assertEquals(2, retention.purge(NOW));
        assertEquals(Set.of(oldPending, oldRunning, finishedLately, recent, itsNewest), firings());
        assertEquals("pending", AutomationRows.column(pending, "status"), "its run may still act");
        assertEquals(0L, ((Number) AutomationRows.sf().fromTransaction(s -> s.createNativeQuery(
                "select count(*) from automation_action_run where firing_id in (:a, :b)", Long.class)
                .setParameter("a", old).setParameter("b", oldFailed).getSingleResult())).longValue(),
                "the firings' runs went with them");

        var page = TenantScope.system(ws).supply(() -> AutomationRows.sf().fromTransaction(s -> {
            AutomationPageReadModel model = new AutomationPageReadModel();
            model.em = s;
            return List.of(model.firings(automation, 0, 10), model.count(automation));
        }));
        assertEquals(List.of(recent, oldRunning, oldPending, finishedLately), ((List<?>) page.get(0)).stream()
                .map(f -> ((AutomationPageReadModel.Fired) f).id()).toList(), "the page lists what is left");
        assertEquals(4L, page.get(1));
    }

    @Test
    void aRoundDeletesABoundedNumberOfBatchesAndZeroKeepsEverything() {
        for (int i = 0; i < 7; i++) finished(days(40 + i), "succeeded", days(40 + i));
        finished(days(1), "succeeded", days(1));
        assertEquals(0, retention(Duration.ZERO).purge(NOW));
        AutomationRetention retention = retention(Duration.ofDays(30));
        retention.batch = 2;
        retention.batches = 2;
        assertEquals(4, retention.purge(NOW));
        assertEquals(3, retention.purge(NOW), "the rest next round");
        assertEquals(0, retention.purge(NOW));
        assertEquals(1, firings().size());
    }

    private AutomationRetention retention(Duration keep) {
        AutomationRetention r = new AutomationRetention();
        r.tx = AutomationRows.transactions(s -> r.em = s);
        r.retention = keep;
        return r;
    }

    private UUID firing(Duration ago) {
        return AutomationRows.firing(ws, automation, NOW.minus(ago));
    }

    /** A firing {@code ago} with one run in this final status, finished {@code finishedAgo}. */
    private UUID finished(Duration ago, String status, Duration finishedAgo) {
        UUID firing = firing(ago);
        AutomationRows.actionRun(ws, automation, firing, status, 1, NOW.minus(ago), null, null, NOW.minus(finishedAgo));
        return firing;
    }

    private Set<UUID> firings() {
        return AutomationRows.sf().fromTransaction(s -> s.createNativeQuery(
                "select id from automation_firing where workspace_id = :ws", UUID.class)
                .setParameter("ws", ws).getResultList()).stream().collect(Collectors.toSet());
    }

    private static Duration days(int n) {
        return Duration.ofDays(n);
    }
}
