package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LeasedLoops;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Prefect's CANCELLING timeout (services/cancellation_cleanup.py): a flow run still
 * in the same CANCELLING state {@code steward.cleanup.cancelling-timeout-seconds} (300) after it entered it is
 * proposed CANCELLED through the flow-run rules, and a {@code cancelling_timeout_teardown.v1} message with target
 * {@code {flow_run_id, infrastructure_pid}} is asked of the workers of its work queue's pool ({@link Teardowns}, the cleanup queue), keyed
 * {@code <kind>:<run>:<cancelled state id>}. Runs without a work queue and runs of push or managed pools (no worker
 * to tear them down) are only cancelled. The enqueue happens inside the run's transaction, before it commits: when
 * Redis is down the state change rolls back and the next round tries again; a commit that fails after the enqueue
 * leaves a teardown of a run that was CANCELLING anyway. Once per cluster every
 * {@code steward.cleanup.cancelling-loop-seconds} under the Redis lease {@code steward:lease:cancelling-timeouts}.
 */
@ApplicationScoped
public class CancellingTimeouts {
    private static final Logger LOG = Logger.getLogger(CancellingTimeouts.class.getName());
    public static final String KIND = "cancelling_timeout_teardown.v1";
    static final String MESSAGE = "Flow run cancellation timed out; marked this flow run as Cancelled.";
    private static final int BATCH = 100;

    @Inject
    FlowRunStore store;

    @Inject
    Transactions tx;

    @Inject
    FlowRunService runs;

    @Inject
    Teardowns teardowns;

    /** A flow run CANCELLING longer than this is forced to CANCELLED and its infrastructure torn down. */
    @Inject
    @ConfigProperty(name = "steward.cleanup.cancelling-timeout-seconds", defaultValue = "300")
    double timeoutSeconds;

    /** How often runs past the timeout are looked for (Prefect's cancellation_cleanup loop: 20 s; at least 0.1 s). */
    @Inject
    @ConfigProperty(name = "steward.cleanup.cancelling-loop-seconds", defaultValue = "20")
    double loopSeconds;

    @Inject
    LeasedLoops loops;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        Duration every = Duration.ofMillis(Math.max(100, Math.round(loopSeconds * 1000)));
        loops.start("steward:lease:cancelling-timeouts", every,
                () -> timeOut(Instant.now()));
    }

    /** Times out the runs CANCELLING since before {@code now} minus the timeout; how many were cancelled. */
    public int timeOut(Instant now) {
        Instant enteredBefore = now.minus(Duration.ofMillis(Math.max(0, Math.round(timeoutSeconds * 1000))));
        int cancelled = 0;
        for (FlowRunStore.Cancelling run : tx.inNew(() -> store.cancellingSince(enteredBefore, BATCH))) {
            try {
                if (TenantScope.system(run.workspace()).supply(() -> tx.inNew(() -> timeOut(run)))) cancelled++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "CANCELLING timeout of flow run " + run.id() + " failed; trying again next round", e);
            }
        }
        return cancelled;
    }

    /** One run, in its workspace's transaction: cancelled and its teardown enqueued, or left as it is now. */
    private boolean timeOut(FlowRunStore.Cancelling cancelling) {
        UUID ws = cancelling.workspace();
        UUID run = cancelling.id();
        FlowRunStore.Placed placed = store.lockPlaced(ws, run).orElse(null);
        if (placed == null || !cancelling.stateId().equals(placed.stateId())) return false;
        JsonObject proposal = Json.createObjectBuilder().add("state", Json.createObjectBuilder()
                .add("type", "CANCELLED").add("name", "Cancelled").add("message", MESSAGE)).build();
        FlowRunService.Orchestrated result = runs.setState(run, Body.of(proposal));
        if (!result.newState()) return false;
        String cancelledStateId = result.result().getJsonObject("state").getString("id");
        if (placed.queueId() == null || placed.poolId() == null) {
            LOG.info(() -> "Flow run " + run + " timed out CANCELLING; it has no work queue, so no teardown");
            return true;
        }
        String poolType = placed.poolType();
        if (poolType != null && (poolType.endsWith(":push") || poolType.endsWith(":managed"))) return true;
        String key = KIND + ":" + run + ":" + cancelledStateId;
        JsonObject target = Json.createObjectBuilder().add("flow_run_id", run.toString())
                .add("infrastructure_pid", Json.orNull(placed.infrastructurePid())).build();
        UUID message = teardowns.request(ws, placed.poolId(), placed.queueId(), key, KIND, target);
        LOG.info(() -> "Flow run " + run + " timed out CANCELLING; teardown message " + message + " enqueued");
        return true;
    }
}
