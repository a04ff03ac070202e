package dev.steward.console.apikeys;

import dev.steward.access.ApiKey;
import dev.steward.access.Role;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** An API key as the grid shows it: never its secret or hash. */
public record ApiKeyRow(UUID id, String name, String prefix, Role role, String owner, Instant created,
                        Instant expiresAt, Instant revokedAt) implements Serializable {

    static ApiKeyRow of(ApiKey k) {
        return new ApiKeyRow(k.getId(), k.getName(), k.getPrefix(), k.getRole(), k.getOwner(), k.getCreated(),
                k.getExpiresAt(), k.getRevokedAt());
    }

    boolean revoked() {
        return revokedAt != null;
    }

    boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
