package dev.steward.tenancy;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The explicit tenant of work that runs outside a REST request: background jobs, WebSocket handlers, the console.
 * Always set through {@link #callAs}/{@link #runAs}, which restore the previous value (threads are pooled).
 */
public final class TenantContext {
    private static final ThreadLocal<UUID> CURRENT = new ThreadLocal<>();

    private TenantContext() {}

    public static UUID current() {
        return CURRENT.get();
    }

    public static <T> T callAs(UUID workspaceId, Callable<T> work) throws Exception {
        UUID previous = CURRENT.get();
        CURRENT.set(workspaceId);
        try {
            return work.call();
        } finally {
            if (previous == null) CURRENT.remove(); else CURRENT.set(previous);
        }
    }

    public static <T> T supplyAs(UUID workspaceId, Supplier<T> work) {
        try {
            return callAs(workspaceId, work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void runAs(UUID workspaceId, Runnable work) {
        supplyAs(workspaceId, () -> {
            work.run();
            return null;
        });
    }
}
