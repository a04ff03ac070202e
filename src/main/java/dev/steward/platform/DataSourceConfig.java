package dev.steward.platform;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application's JTA datasource. Payara resolves ${MPCONFIG=...} from MicroProfile Config, so the environment
 * variables STEWARD_DB_URL, STEWARD_DB_USER and STEWARD_DB_PASSWORD override META-INF/microprofile-config.properties.
 *
 * <p>Every connection starts with PostgreSQL's {@code statement_timeout} set to
 * {@code steward.db.statement-timeout-seconds} (STEWARD_DB_STATEMENT_TIMEOUT_SECONDS, default 30; 0 turns it off):
 * pgjdbc sends the {@code options} property in its startup packet, so the setting holds for the whole session and
 * a request's runaway query cannot hold a connection and its locks for long. Work that may rightly take longer runs
 * through {@link #withoutStatementTimeout}.
 */
@DataSourceDefinition(
        name = DataSourceConfig.JNDI_NAME,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=steward.db.url}",
        user = "${MPCONFIG=steward.db.user}",
        password = "${MPCONFIG=steward.db.password}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {DataSourceConfig.STATEMENT_TIMEOUT_PROPERTY})
@ApplicationScoped
public class DataSourceConfig {
    public static final String JNDI_NAME = "java:app/jdbc/steward";
    public static final String STATEMENT_TIMEOUT_KEY = "steward.db.statement-timeout-seconds";
    /** pgjdbc's {@code options}: Payara expands ${MPCONFIG=...} inside a property's value too. */
    static final String STATEMENT_TIMEOUT_PROPERTY =
            "options=-c statement_timeout=${MPCONFIG=" + STATEMENT_TIMEOUT_KEY + "}s";

    /** Work that may take longer than a request should (schema migrations), on a connection of this pool. */
    public interface SqlWork<T> {
        T run(Connection c) throws Exception;
    }

    /**
     * Runs {@code work} with no statement timeout on {@code c}, then restores the connection's own (RESET goes back
     * to the value of its startup packet), as the pooled connection goes on to serve requests. The work commits or
     * rolls back what it does; it leaves no transaction open.
     */
    public static <T> T withoutStatementTimeout(Connection c, SqlWork<T> work) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("set statement_timeout = 0");
        }
        T result;
        try {
            result = work.run(c);
        } catch (Exception e) {
            try {
                if (!c.getAutoCommit()) c.rollback(); // a failed transaction accepts no RESET
                resetStatementTimeout(c);
            } catch (SQLException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        resetStatementTimeout(c);
        return result;
    }

    private static void resetStatementTimeout(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("reset statement_timeout");
        }
        if (!c.getAutoCommit()) c.commit(); // RESET is transactional: a rollback on return to the pool would undo it
    }
}
