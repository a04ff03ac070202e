package dev.steward.platform;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.RedisClient;

/** The one Redis connection pool of the instance (STEWARD_REDIS_URL). Keys always carry the workspace id. */
@ApplicationScoped
public class Redis {
    @Inject
    @ConfigProperty(name = "steward.redis.url")
    String url;

    private volatile RedisClient pool;

    public RedisClient pool() {
        RedisClient p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) pool = RedisClient.create(URI.create(url));
                p = pool;
            }
        }
        return p;
    }

    public URI uri() {
        return URI.create(url);
    }

    @PreDestroy
    void close() {
        if (pool != null) pool.close();
    }
}
