package dev.steward.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** MicroProfile Health checks, served by Payara at /health, /health/ready and /health/live. */
public final class HealthChecks {
    private HealthChecks() {}

    @Readiness
    @ApplicationScoped
    public static class Database implements HealthCheck {
        @Resource(lookup = DataSourceConfig.JNDI_NAME)
        DataSource dataSource;

        @Override
        public HealthCheckResponse call() {
            try (Connection c = dataSource.getConnection()) {
                boolean valid = c.isValid(2);
                return HealthCheckResponse.named("database").status(valid).build();
            } catch (Exception e) {
                return HealthCheckResponse.named("database").down().withData("error", e.getClass().getSimpleName()).build();
            }
        }
    }

    @Readiness
    @ApplicationScoped
    public static class RedisCheck implements HealthCheck {
        @Inject
        Redis redis;

        @Override
        public HealthCheckResponse call() {
            try {
                String pong = redis.pool().ping();
                return HealthCheckResponse.named("redis").status("PONG".equals(pong)).build();
            } catch (Exception e) {
                return HealthCheckResponse.named("redis").down().withData("error", e.getClass().getSimpleName()).build();
            }
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Alive implements HealthCheck {
        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.up("steward");
        }
    }
}
