package dev.steward.deployments;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Settings of deployments, the scheduler and the late-run marker (MicroProfile Config; each has an environment
 * variable, e.g. {@code STEWARD_SCHEDULER_LOOP_SECONDS}). The defaults are Prefect 3.9's server settings.
 */
@ApplicationScoped
public class DeploymentSettings {
    /** How often the scheduler looks for runs to make (Prefect: 60 s). */
    @Inject
    @ConfigProperty(name = "steward.scheduler.loop-seconds", defaultValue = "60")
    double schedulerLoopSeconds;

    /** At most this many runs per schedule ahead (Prefect: 100). */
    @Inject
    @ConfigProperty(name = "steward.scheduler.max-runs", defaultValue = "100")
    int maxRuns;

    /** At least this many runs per schedule ahead (Prefect: 3). */
    @Inject
    @ConfigProperty(name = "steward.scheduler.min-runs", defaultValue = "3")
    int minRuns;

    /** No run further ahead than this (Prefect: 100 days). */
    @Inject
    @ConfigProperty(name = "steward.scheduler.max-scheduled-seconds", defaultValue = "8640000")
    long maxScheduledSeconds;

    /** Runs at least this far ahead (Prefect: 1 hour). */
    @Inject
    @ConfigProperty(name = "steward.scheduler.min-scheduled-seconds", defaultValue = "3600")
    long minScheduledSeconds;

    /** Prefect's PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS: the highest max_scheduled_runs a schedule may ask. */
    @Inject
    @ConfigProperty(name = "steward.deployments.schedule-max-scheduled-runs", defaultValue = "50")
    int maxScheduledRunsPerSchedule;

    /** How often the late-run marker looks (Prefect: 5 s). */
    @Inject
    @ConfigProperty(name = "steward.late-runs.loop-seconds", defaultValue = "5")
    double lateRunsLoopSeconds;

    /** A SCHEDULED run this long past its time is Late (Prefect: 15 s). */
    @Inject
    @ConfigProperty(name = "steward.late-runs.after-seconds", defaultValue = "15")
    double lateAfterSeconds;

    /** How long a run enqueued for a deployment's slot waits to try again (Prefect: 30 s). */
    @Inject
    @ConfigProperty(name = "steward.deployments.concurrency-slot-wait-seconds", defaultValue = "30")
    double concurrencySlotWaitSeconds;

    /** The lease of a deployment slot when the deployment sets no grace period (Prefect: 300 s). */
    @Inject
    @ConfigProperty(name = "steward.deployments.lease-seconds", defaultValue = "300")
    double deploymentLeaseSeconds;

    public double concurrencySlotWaitSeconds() { return concurrencySlotWaitSeconds; }
    public Duration deploymentLease() { return millis(deploymentLeaseSeconds); }
    public Duration schedulerLoop() { return millis(schedulerLoopSeconds); }
    public int maxRuns() { return maxRuns; }
    public int minRuns() { return minRuns; }
    public Duration maxScheduledTime() { return Duration.ofSeconds(maxScheduledSeconds); }
    public Duration minScheduledTime() { return Duration.ofSeconds(minScheduledSeconds); }
    public int maxScheduledRunsPerSchedule() { return maxScheduledRunsPerSchedule; }
    public Duration lateRunsLoop() { return millis(lateRunsLoopSeconds); }
    public Duration lateAfter() { return millis(lateAfterSeconds); }

    private static Duration millis(double seconds) {
        return Duration.ofMillis(Math.max(100, Math.round(seconds * 1000)));
    }
}
