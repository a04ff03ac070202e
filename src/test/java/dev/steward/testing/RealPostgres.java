package dev.steward.testing;

import dev.steward.access.ApiKey;
import dev.steward.access.Member;
import dev.steward.access.Workspace;
import dev.steward.access.WorkspaceTenantResolver;
import dev.steward.audit.AuditRecord;
import dev.steward.events.StoredEvent;
import dev.steward.orchestration.Flow;
import dev.steward.platform.SchemaMigrator;
import dev.steward.variables.Variable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * One real PostgreSQL (zonky's embedded binaries) per test JVM, migrated by the application's Liquibase changelog,
 * and a Hibernate SessionFactory over it with the application's entities, tenant resolver and schema validation.
 */
public final class RealPostgres {
    private static EmbeddedPostgres postgres;
    private static SessionFactory sessionFactory;

    private RealPostgres() {}

    public static synchronized DataSource dataSource() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
                SchemaMigrator.migrate(postgres.getPostgresDatabase());
            } catch (Exception e) {
                throw new IllegalStateException("could not start PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }));
        }
        return postgres.getPostgresDatabase();
    }

    public static synchronized SessionFactory sessionFactory() {
        if (sessionFactory == null) {
            Configuration cfg = new Configuration()
                    .addAnnotatedClass(Workspace.class)
                    .addAnnotatedClass(Member.class)
                    .addAnnotatedClass(ApiKey.class)
                    .addAnnotatedClass(Variable.class)
                    .addAnnotatedClass(dev.steward.artifacts.Artifact.class)
                    .addAnnotatedClass(dev.steward.artifacts.ArtifactCollection.class)
                    .addAnnotatedClass(dev.steward.blocks.BlockType.class)
                    .addAnnotatedClass(dev.steward.blocks.BlockSchema.class)
                    .addAnnotatedClass(dev.steward.blocks.BlockDocument.class)
                    .addAnnotatedClass(dev.steward.blocks.BlockDocumentReference.class)
                    .addAnnotatedClass(dev.steward.automations.Automation.class)
                    .addAnnotatedClass(dev.steward.automations.AutomationRelatedResource.class)
                    .addAnnotatedClass(Flow.class)
                    .addAnnotatedClass(dev.steward.orchestration.FlowRun.class)
                    .addAnnotatedClass(dev.steward.orchestration.FlowRunState.class)
                    .addAnnotatedClass(dev.steward.orchestration.TaskRun.class)
                    .addAnnotatedClass(dev.steward.orchestration.TaskRunState.class)
                    .addAnnotatedClass(dev.steward.orchestration.LogEntry.class)
                    .addAnnotatedClass(dev.steward.concurrency.ConcurrencyLimit.class)
                    .addAnnotatedClass(dev.steward.concurrency.ConcurrencyLease.class)
                    .addAnnotatedClass(dev.steward.deployments.Deployment.class)
                    .addAnnotatedClass(dev.steward.deployments.DeploymentSchedule.class)
                    .addAnnotatedClass(dev.steward.workers.WorkPool.class)
                    .addAnnotatedClass(dev.steward.workers.WorkQueue.class)
                    .addAnnotatedClass(dev.steward.workers.Worker.class)
                    .addAnnotatedClass(StoredEvent.class)
                    .addAnnotatedClass(AuditRecord.class);
            cfg.getProperties().put("hibernate.connection.datasource", dataSource());
            cfg.setProperty("hibernate.hbm2ddl.auto", "validate");
            cfg.setProperty("hibernate.tenant_identifier_resolver", WorkspaceTenantResolver.class.getName());
            cfg.setProperty("hibernate.jdbc.time_zone", "UTC");
            sessionFactory = cfg.buildSessionFactory();
        }
        return sessionFactory;
    }

    public static void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
