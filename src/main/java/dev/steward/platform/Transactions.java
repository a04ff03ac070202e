package dev.steward.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.function.Supplier;

/**
 * Runs a piece of work in a transaction of its own. Hibernate fixes a session's tenant when the session opens, so
 * work for a workspace that is only known inside a request (admin calls, the console) starts its own transaction after
 * an {@code Admission} names the workspace.
 */
@ApplicationScoped
public class Transactions {
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public <T> T inNew(Supplier<T> work) {
        return work.get();
    }
}
