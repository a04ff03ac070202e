package dev.steward.platform;


import dev.steward.testing.RealPostgres;
import jakarta.annotation.sql.DataSourceDefinition;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statement timeout as the application's connections get it: a datasource built like Payara builds it from
 * {@link DataSourceConfig}'s {@code @DataSourceDefinition} (each property through its JavaBean setter, ${MPCONFIG=...}
 * expanded from the shipped microprofile-config.properties or an override), against real PostgreSQL.
 */
class StatementTimeoutTest {
    private static final Pattern MPCONFIG = Pattern.compile("\\$\\{MPCONFIG=([^}]*)}");

    /** The app's datasource for the embedded database, with {@code overrides} in place of the shipped settings. */
    static PGSimpleDataSource appDataSource(Properties overrides) throws Exception {
        Properties config = new Properties();
        try (InputStream in = StatementTimeoutTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            config.load(in);
        }
        config.putAll(overrides);
        PGSimpleDataSource embedded = (PGSimpleDataSource) RealPostgres.dataSource();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(embedded.getUrl());
        ds.setUser(embedded.getUser());
        DataSourceDefinition definition = DataSourceConfig.class.getAnnotation(DataSourceDefinition.class);
        assertEquals(PGSimpleDataSource.class.getName(), definition.className());
        for (String property : definition.properties()) {
            int eq = property.indexOf('='); // Payara splits at the first '=' too
            String name = property.substring(0, eq);
            Matcher m = MPCONFIG.matcher(property.substring(eq + 1));
            StringBuilder value = new StringBuilder();
            while (m.find()) m.appendReplacement(value, Matcher.quoteReplacement(config.getProperty(m.group(1))));
            m.appendTail(value);
            setter(name).getWriteMethod().invoke(ds, value.toString());
        }
        return ds;
    }

    private static PropertyDescriptor setter(String name) throws Exception {
        for (PropertyDescriptor p : Introspector.getBeanInfo(PGSimpleDataSource.class).getPropertyDescriptors()) {
            if (p.getName().equals(name) && p.getWriteMethod() != null) return p;
        }
        throw new AssertionError("PGSimpleDataSource has no property " + name);
    }

    static String show(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("show statement_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyConnectionStartsWithTheShippedThirtySeconds() throws Exception {
        try (Connection c = appDataSource(new Properties()).getConnection()) {
            assertEquals("30s", show(c));
        }
    }

    @Test
    void aQueryPastTheTimeoutIsCancelledAndAnsweredWithA503() throws Exception {
        Properties oneSecond = new Properties();
        oneSecond.setProperty(DataSourceConfig.STATEMENT_TIMEOUT_KEY, "1");
        try (Connection c = appDataSource(oneSecond).getConnection()) {
            assertEquals("1s", show(c));
            SQLException cancelled = assertThrows(SQLException.class,
                    () -> c.createStatement().execute("select pg_sleep(3)"));
            assertEquals("57014", cancelled.getSQLState());
            // as a resource meets it: wrapped by JPA and the transaction interceptor
            Problem answer = ErrorMappers.known(new RuntimeException(new IllegalStateException(cancelled)));
            assertEquals(503, ErrorMappers.status(answer));
            String detail = answer.summary();
            assertTrue(detail.contains("took too long") && detail.contains("steward.db.statement-timeout-seconds"), detail);
        }
    }

    @Test
    void migrationsRunWithoutTheTimeoutAndGiveTheConnectionBackWithIt() throws Exception {
        Properties oneSecond = new Properties();
        oneSecond.setProperty(DataSourceConfig.STATEMENT_TIMEOUT_KEY, "1");
        try (Connection c = appDataSource(oneSecond).getConnection()) {
            DataSourceConfig.withoutStatementTimeout(c, conn -> conn.createStatement().execute("select pg_sleep(1.5)"));
            assertEquals("1s", show(c));
            // the same after work that switched autocommit off, as Liquibase does
            DataSourceConfig.withoutStatementTimeout(c, conn -> {
                conn.setAutoCommit(false);
                assertEquals("0", show(conn));
                conn.commit();
                return null;
            });
            c.rollback(); // what a pool may do with a connection given back
            assertEquals("1s", show(c));
            // and after work that failed inside a transaction
            assertThrows(SQLException.class, () -> DataSourceConfig.withoutStatementTimeout(c,
                    conn -> conn.createStatement().execute("select 1/0")));
            c.rollback();
            assertEquals("1s", show(c));
        }
    }
}
