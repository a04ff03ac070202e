package dev.steward.orchestration;

import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Console only: keeps the flow runs page's counts per hour and state small to read: triggers on {@code flow_run} record every
 * created, changed and deleted run as a +1/-1 change, and this loop folds the changes into the count tables
 * (changeset 013, {@code flow_run_count_fold}) every {@code steward.run-counts.fold-millis}, on one instance of the
 * cluster at a time. Readers add the changes not yet folded ({@link RunsPageReadModel}), so the counts are exact even
 * while the loop is behind; it only keeps what they add up few.
 */
@ApplicationScoped
public class RunsPageCounts {
    /** Changes moved per transaction: a seeded history of a million runs is folded in short steps. */
    static final int BATCH = 50_000;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    LeasedLoops loops;

    @Inject
    @ConfigProperty(name = "steward.run-counts.fold-millis", defaultValue = "1000")
    long foldMillis;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start("steward:lease:run-counts", Duration.ofMillis(foldMillis), this::foldAll);
    }

    /** Folds every change there is, a batch per transaction; how many were folded. */
    public long foldAll() {
        long total = 0;
        int folded;
        do {
            folded = tx.inNew(() -> ((Number) em.createNativeQuery("select flow_run_count_fold(?1)")
                    .setParameter(1, BATCH).getSingleResult()).intValue());
            total += folded;
        } while (folded == BATCH);
        return total;
    }
}
