package dev.steward.workers;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** How long a run handed to a worker stays claimed past its scheduled time ({@code STEWARD_WORKERS_CLAIM_LEASE_SECONDS}). */
@ApplicationScoped
public class ClaimSettings {
    /** Long enough for a worker to propose PENDING (it does at once), short enough that a lost claim is soon retried. */
    @Inject
    @ConfigProperty(name = "steward.workers.claim-lease-seconds", defaultValue = "30")
    private long claimLeaseSeconds;

    public Duration lease() {
        return Duration.ofSeconds(Math.max(1, claimLeaseSeconds));
    }
}
