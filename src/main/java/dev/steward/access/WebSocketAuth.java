package dev.steward.access;

import dev.steward.platform.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * The first frame of a Prefect WebSocket, {@code {"type":"auth","token":<API key>}}, through the gate: a non-Cloud
 * Prefect client sends PREFECT_API_AUTH_STRING as the token. The role needed is the endpoint class's {@link MinRole};
 * an endpoint without one admits no one.
 */
@ApplicationScoped
public class WebSocketAuth {
    @Inject
    ApiKeyService apiKeys;

    @Inject
    TenantScope scope;

    /** The admission into {@code workspaceRef} for the frame's key, if it may open {@code endpoint}; else empty. */
    public Optional<Admission> admit(String workspaceRef, JsonObject frame, Class<?> endpoint) {
        MinRole needed = endpoint.getAnnotation(MinRole.class);
        if (needed == null || !"auth".equals(frame.getString("type", null))) return Optional.empty();
        Optional<Caller> caller = apiKeys.authenticate(frame.getString("token", null))
                .map(k -> Caller.apiKey(k.getId(), k.getPrefix(), k.getWorkspaceId(), k.getRole()));
        if (caller.isEmpty()) return Optional.empty();
        try {
            return Optional.of(scope.enter(workspaceRef, caller.get(), needed.value()));
        } catch (Problem denied) {
            return Optional.empty();
        }
    }
}
