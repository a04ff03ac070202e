package dev.steward.secrets;

import dev.steward.access.TenantScope;
import dev.steward.platform.Transactions;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hibernate.Session;

/**
 * Where this package's SQL runs: always in a transaction of its own, never the caller's. A data key created while a
 * caller's transaction is open must outlive that transaction's rollback, because it is cached at once; and a
 * rotation commits key by key. In the server the transaction is JTA's ({@link #jta}); a test passes a plain
 * {@link DataSource} ({@link #local}).
 */
interface Db {

    /** One statement's worth of JDBC on the transaction's connection; no commit, no rollback. */
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** {@code work} in a new transaction, committed when it returns. */
    <T> T inNew(SqlWork<T> work);

    /**
     * {@code work}, then {@code beforeCommit} with its result, in one new transaction of the workspace's own (as its
     * system caller): what {@code beforeCommit} fires (the audit trail's lifecycle change) commits with the work.
     */
    <T> T inNew(UUID workspaceId, SqlWork<T> work, Consumer<? super T> beforeCommit);

    /** The server's: JTA transactions, and the connection of the transaction's Hibernate session. */
    static Db jta(Transactions tx, EntityManager em) {
        return new Db() {
            @Override
            public <T> T inNew(SqlWork<T> work) {
                return tx.inNew(() -> em.unwrap(Session.class).doReturningWork(work::run));
            }

            @Override
            public <T> T inNew(UUID workspaceId, SqlWork<T> work, Consumer<? super T> beforeCommit) {
                // the admission first: Hibernate fixes the session's tenant (the audit record's) when it opens
                return TenantScope.system(workspaceId).supply(() -> tx.inNew(() -> {
                    T result = em.unwrap(Session.class).doReturningWork(work::run);
                    beforeCommit.accept(result);
                    return result;
                }));
            }
        };
    }

    /** Tests': a connection of {@code ds} per transaction, committed by hand. */
    static Db local(DataSource ds) {
        return new Db() {
            @Override
            public <T> T inNew(SqlWork<T> work) {
                return inNew(null, work, result -> { });
            }

            @Override
            public <T> T inNew(UUID workspaceId, SqlWork<T> work, Consumer<? super T> beforeCommit) {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    try {
                        T result = work.run(c);
                        beforeCommit.accept(result);
                        c.commit();
                        return result;
                    } catch (SQLException | RuntimeException e) {
                        c.rollback();
                        throw e;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
                }
            }
        };
    }
}
