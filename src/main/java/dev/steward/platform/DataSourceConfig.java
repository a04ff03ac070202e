package dev.steward.platform;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The application's JTA datasource. Payara resolves ${MPCONFIG=...} from MicroProfile Config, so the environment
 * variables STEWARD_DB_URL, STEWARD_DB_USER and STEWARD_DB_PASSWORD override META-INF/microprofile-config.properties.
 */
@DataSourceDefinition(
        name = DataSourceConfig.JNDI_NAME,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=steward.db.url}",
        user = "${MPCONFIG=steward.db.user}",
        password = "${MPCONFIG=steward.db.password}",
        minPoolSize = 2,
        maxPoolSize = 32)
@ApplicationScoped
public class DataSourceConfig {
    public static final String JNDI_NAME = "java:app/jdbc/steward";
}
