package dev.steward.console;

import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinSession;
import dev.steward.access.Admission;
import dev.steward.access.Caller;
import dev.steward.access.CurrentCaller;
import dev.steward.access.Role;
import dev.steward.access.TenantScope;
import dev.steward.access.WorkspaceService;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.NotAuthenticated;
import dev.steward.platform.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The console's way into a workspace: who the user is, which workspaces the user may open, which one is selected in
 * this browser session, and {@link #call}, through which every service call for the selected workspace runs.
 */
@ApplicationScoped
public class ConsoleWorkspaces {
    private static final String USER_KEY = ConsoleWorkspaces.class.getName() + ".user";
    private static final String SELECTED_KEY = ConsoleWorkspaces.class.getName() + ".selected";

    @Inject
    WorkspaceService workspaces;

    @Inject
    TenantScope scope;

    @Inject
    Transactions tx;

    /**
     * The logged-in Keycloak user. Inside an HTTP request (every user action: client-to-server messages go over XHR)
     * it is read fresh from the request and remembered in the session; outside one (a pushed refresh) the remembered
     * one is used. Anything but a user (an API key, or the system caller that {@code CurrentCaller} reports when no
     * one is logged in) is never accepted by the console.
     */
    public Optional<Caller> caller() {
        VaadinSession session = VaadinSession.getCurrent();
        if (VaadinRequest.getCurrent() != null) {
            Caller caller = CurrentCaller.get();
            if (caller == null || caller.kind() != Caller.Kind.USER) {
                return Optional.empty();
            }
            if (session != null) session.setAttribute(USER_KEY, ConsoleUser.of(caller));
            return Optional.of(caller);
        }
        if (session == null) return Optional.empty();
        return Optional.ofNullable((ConsoleUser) session.getAttribute(USER_KEY)).map(ConsoleUser::toCaller);
    }

    /** The workspaces the user may open, with the role in each, ordered by slug. */
    public List<WorkspaceChoice> choices() {
        Optional<Caller> caller = caller();
        if (caller.isEmpty()) return List.of();
        return tx.inNew(() -> workspaces.visibleTo(caller.get()).entrySet().stream()
                .map(e -> WorkspaceChoice.of(e.getKey(), e.getValue()))
                .toList());
    }

    /**
     * Re-reads the selection against a fresh list of choices: the remembered workspace (with the role as it is now)
     * while the user may still open it, else the first one, else none.
     */
    public Optional<WorkspaceChoice> restore(List<WorkspaceChoice> choices) {
        Optional<WorkspaceChoice> remembered = remembered();
        Optional<WorkspaceChoice> current = remembered
                .flatMap(r -> choices.stream().filter(c -> c.id().equals(r.id())).findFirst())
                .or(() -> choices.stream().findFirst());
        remember(current.orElse(null));
        return current;
    }

    /** The workspace selected in this browser session, choosing the first one the user may open if none is yet. */
    public Optional<WorkspaceChoice> current() {
        Optional<WorkspaceChoice> remembered = remembered();
        return remembered.isPresent() ? remembered : restore(choices());
    }

    public void select(WorkspaceChoice choice) {
        remember(choice);
    }

    /**
     * Runs service work for a workspace through the gate ({@link TenantScope#enter}: the user needs at least
     * {@code needed} there, and a workspace the user may not open is "not found", as in the API), in a transaction of
     * its own that starts once the workspace is Hibernate's tenant (the gate's lookups run in one before it). Errors
     * arrive as {@link Problem} (possibly wrapped: see {@link Problems}).
     */
    public <T> T call(WorkspaceChoice workspace, Role needed, Supplier<T> work) {
        Caller caller = caller().orElseThrow(() -> new NotAuthenticated("Not logged in"));
        Admission admission = tx.inNew(() -> scope.enter(workspace.id().toString(), caller, needed));
        return admission.supply(() -> tx.inNew(work));
    }

    /** {@link #call} for work without a result. */
    public void run(WorkspaceChoice workspace, Role needed, Runnable work) {
        call(workspace, needed, () -> {
            work.run();
            return null;
        });
    }

    private Optional<WorkspaceChoice> remembered() {
        VaadinSession session = VaadinSession.getCurrent();
        return session == null ? Optional.empty()
                : Optional.ofNullable((WorkspaceChoice) session.getAttribute(SELECTED_KEY));
    }

    private void remember(WorkspaceChoice choice) {
        VaadinSession session = VaadinSession.getCurrent();
        if (session != null) session.setAttribute(SELECTED_KEY, choice);
    }
}
