package dev.steward.access;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A caller let into a workspace with a role, by {@link TenantScope#enter} (or {@link TenantScope#system} for background
 * work). Work runs in the workspace through {@link #call}, {@link #supply} or {@link #run}: for its duration the
 * workspace is Hibernate's tenant and {@link TenantScope#workspaceId()}; the previous scope comes back afterwards
 * (threads are pooled).
 */
public final class Admission {
    private final UUID workspaceId;
    private final Caller caller;
    private final Role role;

    /** Only the gate makes admissions: nothing else can claim a workspace. */
    Admission(UUID workspaceId, Caller caller, Role role) {
        this.workspaceId = workspaceId;
        this.caller = caller;
        this.role = role;
    }

    public UUID workspaceId() { return workspaceId; }
    public Caller caller() { return caller; }
    public Role role() { return role; }

    public <T> T call(Callable<T> work) throws Exception {
        return TenantScope.bind(this, work);
    }

    public <T> T supply(Supplier<T> work) {
        try {
            return call(work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // a Supplier throws no checked exception
        }
    }

    public void run(Runnable work) {
        supply(() -> {
            work.run();
            return null;
        });
    }
}
