package dev.steward.events;

import dev.steward.security.Caller;
import dev.steward.tenancy.ApiKey;
import dev.steward.tenancy.ApiKeyService;
import dev.steward.tenancy.Role;
import dev.steward.tenancy.Workspace;
import dev.steward.tenancy.WorkspaceService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * The first frame of a Prefect WebSocket, {@code {"type":"auth","token":<API key>}}: the workspace of the URL if
 * the key is valid and belongs to it. A non-Cloud Prefect client sends PREFECT_API_AUTH_STRING as the token.
 */
@ApplicationScoped
public class WebSocketAuth {
    @Inject
    ApiKeyService apiKeys;

    @Inject
    WorkspaceService workspaces;

    public Optional<Workspace> authenticate(String slugOrId, JsonObject frame) {
        return authenticate(slugOrId, frame, Role.VIEWER);
    }

    /** As {@link #authenticate(String, JsonObject)}, for a key with at least {@code minimum} in the workspace. */
    public Optional<Workspace> authenticate(String slugOrId, JsonObject frame, Role minimum) {
        if (!"auth".equals(frame.getString("type", null))) return Optional.empty();
        Optional<ApiKey> key = apiKeys.authenticate(frame.getString("token", null));
        return key.flatMap(k -> workspaces.find(slugOrId).filter(w -> workspaces.roleOf(
                Caller.apiKey(k.getId(), k.getPrefix(), k.getWorkspaceId(), k.getRole()), w)
                .filter(role -> role.atLeast(minimum)).isPresent()));
    }
}
