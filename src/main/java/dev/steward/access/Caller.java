package dev.steward.access;

import jakarta.servlet.ServletRequest;
import java.util.Set;
import java.util.UUID;

/**
 * Who is asking. A user (Keycloak login or bearer token) carries the platform-admin flag and the Keycloak groups that
 * grant workspace roles; an API key is bound to one workspace with one role.
 *
 * @param workspaceGroups Keycloak group paths such as {@code /workspaces/default/owner}
 */
public record Caller(Kind kind, String name, UUID apiKeyId, UUID apiKeyWorkspaceId, Role apiKeyRole,
                     boolean platformAdmin, Set<String> workspaceGroups) {

    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();
    public static final String PLATFORM_ADMIN_ROLE = "steward-admin";
    public static final String USER_ROLE = "steward-user";

    public enum Kind { USER, API_KEY, SYSTEM }

    public static final Caller SYSTEM = new Caller(Kind.SYSTEM, "steward", null, null, null, false, Set.of());

    public static Caller user(String name, Set<String> roles, Set<String> workspaceGroups) {
        return new Caller(Kind.USER, name, null, null, null, roles.contains(PLATFORM_ADMIN_ROLE),
                Set.copyOf(workspaceGroups));
    }

    public static Caller apiKey(UUID keyId, String label, UUID workspaceId, Role role) {
        return new Caller(Kind.API_KEY, label, keyId, workspaceId, role, false, Set.of());
    }

    public static Caller of(ServletRequest request) {
        return (Caller) request.getAttribute(REQUEST_ATTRIBUTE);
    }

    /** How audit records and events name this caller, e.g. {@code user:alice} or {@code api-key:stw_ab12cd34ef56}. */
    public String qualifiedName() {
        return switch (kind) {
            case USER -> "user:" + name;
            case API_KEY -> "api-key:" + name;
            case SYSTEM -> "system:" + name;
        };
    }
}
