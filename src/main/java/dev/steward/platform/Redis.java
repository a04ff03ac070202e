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

    /** For code outside the container (tests, tools): a client for the given redis:// URL. */
    public static Redis at(String url) {
        Redis redis = new Redis();
        redis.url = url;
        return redis;
    }

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

    /** Closes the pool; the next use opens a new one (after a Redis restart, say). */
    @PreDestroy
    public void close() {
        RedisClient p = pool;
        pool = null;
        if (p != null) p.close();
    }
}
