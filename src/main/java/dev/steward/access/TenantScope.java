package dev.steward.access;

import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.NotAuthenticated;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The one gate into a workspace, and the workspace of the current unit of work.
 *
 * <p>{@link #enter} is the only check of workspace, caller and role: the REST filter, the console and the WebSocket
 * endpoints all call it. Its answers: no caller 401; a workspace that does not exist or that the caller has no role in
 * 404 (the same answer, so that a probe learns nothing); a role too weak 403.
 *
 * <p>{@link #workspaceId()} is what raw SQL binds: the workspace of the admission running on this thread, else of the
 * REST request. Outside both it throws, so that no query ever runs without a workspace.
 */
@ApplicationScoped
public class TenantScope {
    private static final ThreadLocal<Admission> CURRENT = new ThreadLocal<>();

    @Inject
    WorkspaceService workspaces;

    /** Lets {@code caller} into the workspace named by {@code workspaceRef} (slug or id) with at least {@code needed}. */
    public Admission enter(String workspaceRef, Caller caller, Role needed) {
        if (caller == null) throw new NotAuthenticated("Not authenticated");
        Optional<Workspace> ws = workspaces.find(workspaceRef);
        Optional<Role> role = ws.flatMap(w -> workspaces.roleOf(caller, w));
        if (role.isEmpty()) throw new NotFound("Workspace not found");
        requireRole(role.get(), needed);
        return new Admission(ws.get().getId(), caller, role.get());
    }

    /**
     * For an operation whose role depends on what it is asked (reading secrets needs more than reading): the
     * current admission's role must be at least {@code needed}, else 403 as at the gate.
     */
    public static void require(Role needed) {
        requireRole(current().map(Admission::role).orElseThrow(
                () -> new IllegalStateException("no workspace: work must run inside an Admission")), needed);
    }

    private static void requireRole(Role have, Role needed) {
        if (!have.atLeast(needed)) {
            throw new Forbidden("This needs the " + needed.wireName() + " role in the workspace; you have "
                    + have.wireName());
        }
    }

    /**
     * Background work (scheduler, sweepers, recorders) in a workspace whose id it read from the database: the system
     * caller, with no lookup. Never for an id that came from a request.
     */
    public static Admission system(UUID workspaceId) {
        return new Admission(workspaceId, Caller.SYSTEM, Role.OWNER);
    }

    /** The admission of the current unit of work: this thread's, else the REST request's. */
    public static Optional<Admission> current() {
        Admission a = CURRENT.get();
        return a != null ? Optional.of(a) : Optional.ofNullable(RequestTenant.currentOrNull());
    }

    /** The current workspace, for raw SQL; throws outside any workspace. */
    public static UUID workspaceId() {
        return current().map(Admission::workspaceId)
                .orElseThrow(() -> new IllegalStateException("no workspace: work must run inside an Admission"));
    }

    static <T> T bind(Admission admission, Callable<T> work) throws Exception {
        Admission previous = CURRENT.get();
        CURRENT.set(admission);
        try {
            return work.call();
        } finally {
            if (previous == null) CURRENT.remove(); else CURRENT.set(previous);
        }
    }
}
