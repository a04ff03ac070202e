package dev.steward.deployments;

import dev.steward.access.TenantScope;
import dev.steward.events.RunEvent;
import dev.steward.platform.Json;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import dev.steward.workers.QueuesPolled;
import dev.steward.workers.StatusSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A deployment's status, stored as Prefect stores it: READY when a runner polls for its runs or a worker polls its
 * queue, NOT_READY once neither has for {@code steward.workers.poll-timeout-seconds}; each change is announced with
 * {@code prefect.deployment.ready|not-ready} in its transaction. The change to NOT_READY is found by a loop, every
 * {@code steward.workers.status-loop-seconds} under the lease {@code steward:lease:deployment-statuses}, as Prefect's
 * foreman does. A worker's poll refreshes its queue's deployments' {@code last_polled}, so that alone says when one
 * was last polled.
 */
@ApplicationScoped
public class DeploymentStatuses {
    private static final Logger LOG = Logger.getLogger(DeploymentStatuses.class.getName());
    private static final int BATCH = 500;

    @Inject
    DeploymentStore store;

    @Inject
    DeploymentService deployments;

    @Inject
    Event<RunEvent> runEvents;

    @Inject
    StatusSettings settings;

    @Inject
    LeasedLoops loops;

    @Inject
    Transactions tx;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        loops.start("steward:lease:deployment-statuses", settings.statusLoop(),
                () -> markNotReady(Instant.now()));
    }

    /** A runner polled for these deployments' runs (in the caller's transaction and workspace). */
    void polled(List<UUID> deploymentIds, Instant at) {
        announce(store.markReady("id", deploymentIds, at), "ready");
    }

    /** A worker polled these queues: their deployments are polled too. */
    void queuesPolled(@Observes QueuesPolled polled) {
        announce(store.markReady("work_queue_id", polled.queueIds(), polled.at()), "ready");
    }

    /** The loop's round: READY deployments not polled within the timeout become NOT_READY; how many did. */
    public int markNotReady(Instant now) {
        Instant before = now.minus(settings.pollTimeout());
        int marked = 0;
        for (Object[] row : tx.inNew(() -> store.readyPolledBefore(before, BATCH))) {
            UUID id = (UUID) row[1];
            try {
                boolean changed = TenantScope.system((UUID) row[0]).supply(() -> tx.inNew(() -> {
                    if (!store.markNotReady(id, before)) return false;
                    announce(List.of(id), "not-ready");
                    return true;
                }));
                if (changed) marked++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not mark deployment " + id + " not ready", e);
            }
        }
        return marked;
    }

    private void announce(List<UUID> ids, String status) {
        for (UUID id : ids) {
            store.find(id).ifPresent(d -> runEvents.fire(new RunEvent(d.getWorkspaceId(), UUID.randomUUID(),
                    Instant.now(), "prefect.deployment." + status,
                    Json.createObjectBuilder().add("prefect.resource.id", "prefect.deployment." + d.getId())
                            .add("prefect.resource.name", d.getName()).build(),
                    deployments.related(d), JsonValue.EMPTY_JSON_OBJECT, null)));
        }
    }
}
