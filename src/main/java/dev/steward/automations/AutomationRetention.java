package dev.steward.automations;

import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Keeps the evaluator's history from growing for ever: once per cluster (the lease
 * {@code steward:lease:automation-retention}), every minute, firings older than {@code steward.automations.retention}
 * (ISO 8601, default 30 days; zero or less keeps everything) are deleted with their action runs, a bounded number of
 * batches a round, each batch in its own transaction. A firing stays while any of its action runs is unfinished
 * (pending or running) or finished within the retention, so no run that may still act is deleted; and each automation
 * keeps its newest firing, which the automations list shows as when it last fired.
 *
 * <p>The rest of what the evaluator writes is bounded without it: buckets are swept once their windows close
 * ({@link AutomationEvaluator}), child firings and metric states are one row per trigger, and all of them go with
 * their automation, or when its trigger is replaced.
 */
@ApplicationScoped
public class AutomationRetention {
    static final String LEASE_KEY = "steward:lease:automation-retention";
    private static final Duration EVERY = Duration.ofMinutes(1);

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    LeasedLoops loops;

    @Inject
    @ConfigProperty(name = "steward.automations.retention", defaultValue = "P30D")
    Duration retention;

    /** Firings deleted per transaction, and transactions per round: a large backlog goes over several rounds. */
    int batch = 1000;
    int batches = 10;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start(LEASE_KEY, EVERY, () -> purge(Instant.now()));
    }

    /** One round at {@code now}: how many firings it deleted. */
    int purge(Instant now) {
        if (retention.isZero() || retention.isNegative()) return 0;
        Timestamp before = Timestamp.from(now.minus(retention));
        int deleted = 0;
        for (int i = 0; i < batches; i++) {
            int done = tx.inNew(() -> em.unwrap(Session.class).doReturningWork(c -> {
                // the action runs go with their firing (on delete cascade)
                try (PreparedStatement s = c.prepareStatement("delete from automation_firing where id in ("
                        + "select f.id from automation_firing f where f.triggered_at < ? "
                        + "and f.triggered_at < (select max(g.triggered_at) from automation_firing g "
                        + "where g.workspace_id = f.workspace_id and g.automation_id = f.automation_id) "
                        + "and not exists (select 1 from automation_action_run r where r.firing_id = f.id "
                        + "and (r.status not in ('succeeded', 'failed') or r.finished_at is null "
                        + "or r.finished_at >= ?)) "
                        + "order by f.triggered_at limit ?)")) {
                    s.setTimestamp(1, before);
                    s.setTimestamp(2, before);
                    s.setInt(3, batch);
                    return s.executeUpdate();
                }
            }));
            deleted += done;
            if (done < batch) break;
        }
        return deleted;
    }
}
