package dev.steward.workers;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When a queue or a deployment stops being READY ({@code STEWARD_WORKERS_POLL_TIMEOUT_SECONDS}, Prefect's 60 s for
 * both), and how often the loop that announces statuses changed by time alone runs
 * ({@code STEWARD_WORKERS_STATUS_LOOP_SECONDS}, Prefect's foreman's 15 s).
 */
@ApplicationScoped
public class StatusSettings {
    @Inject
    @ConfigProperty(name = "steward.workers.poll-timeout-seconds", defaultValue = "60")
    private long pollTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "steward.workers.status-loop-seconds", defaultValue = "15")
    private long statusLoopSeconds;

    /** How long a poll keeps a queue (and a deployment) READY. */
    public Duration pollTimeout() {
        return Duration.ofSeconds(Math.max(1, pollTimeoutSeconds));
    }

    /** How often the loops that announce what time alone changes run. */
    public Duration statusLoop() {
        return Duration.ofSeconds(Math.max(1, statusLoopSeconds));
    }
}
