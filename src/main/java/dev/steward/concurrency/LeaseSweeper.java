package dev.steward.concurrency;

import dev.steward.access.TenantScope;
import dev.steward.platform.Transactions;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives back the slots of leases that were not renewed in time (a client that died holding slots), every
 * {@code steward.concurrency.lease-sweep-seconds}, on the container's managed scheduled executor. Each workspace is
 * swept in transactions of its own under its tenant. Every instance sweeps: leases being ended elsewhere are skipped
 * (SKIP LOCKED) and an ended lease is gone, so two sweepers never give the same slots back twice. A failure (the
 * database restarting) is logged and the next round tries again.
 */
@ApplicationScoped
public class LeaseSweeper {
    private static final Logger LOG = Logger.getLogger(LeaseSweeper.class.getName());
    private static final int BATCH = 100;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Transactions tx;

    @Inject
    Slots slots;

    @Inject
    ConcurrencySettings settings;

    private volatile ScheduledFuture<?> task;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        long every = settings.leaseSweepSeconds();
        task = scheduler.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) t.cancel(false);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Sweeping expired concurrency leases failed; trying again next round", e);
        }
    }

    /** Ends every lease expired by now, in every workspace; returns how many. */
    public int sweep() {
        List<UUID> workspaces = tx.inNew(this::workspacesWithExpiredLeases);
        int released = 0;
        for (UUID ws : workspaces) {
            int batch;
            do {
                batch = TenantScope.system(ws).supply(() -> tx.inNew(() -> slots.releaseExpired(BATCH)));
                released += batch;
            } while (batch == BATCH);
        }
        int total = released;
        if (total > 0) LOG.fine(() -> "Released the slots of " + total + " expired concurrency leases");
        return total;
    }

    /** Across workspaces, so a native query (the tenant filter would hide every row). */
    @SuppressWarnings("unchecked")
    private List<UUID> workspacesWithExpiredLeases() {
        return em.createNativeQuery("select distinct workspace_id from concurrency_lease where expires < ?1")
                .setParameter(1, Instant.now()).getResultList();
    }
}
