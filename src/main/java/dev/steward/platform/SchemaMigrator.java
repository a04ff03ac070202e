package dev.steward.platform;

import jakarta.annotation.Resource;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Brings the schema up to date with Liquibase when the application starts. liquibase-cdi is javax-only, hence this
 * bean; Liquibase's own lock makes concurrent starts of several instances safe.
 */
@ApplicationScoped
public class SchemaMigrator {
    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());
    public static final String CHANGELOG = "db-changelog/db.changelog-master.xml";

    @Resource(lookup = DataSourceConfig.JNDI_NAME)
    DataSource dataSource;

    /** First of the start-up observers (the others start loops that read the schema). */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class)
                 Object ignored) throws Exception {
        long start = System.nanoTime();
        migrate(dataSource);
        LOG.info("Schema up to date in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    public static void migrate(DataSource ds) throws Exception {
        ClassLoader cl = SchemaMigrator.class.getClassLoader();
        Map<String, Object> scope = Map.of(
                Scope.Attr.classLoader.name(), cl,
                Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor(cl),
                "liquibase.analytics.enabled", false,
                "liquibase.showBanner", false);
        try (Connection c = ds.getConnection()) {
            // a migration may rewrite a large table: the requests' statement timeout must not cut it off
            DataSourceConfig.withoutStatementTimeout(c, conn -> {
                Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(conn));
                Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, db)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                        .execute());
                return null;
            });
        }
    }
}
