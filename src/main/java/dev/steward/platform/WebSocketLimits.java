package dev.steward.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What every WebSocket endpoint (/events/in, /events/out, the worker channel) allows a connection before and after
 * its auth frame (MicroProfile Config, e.g. {@code STEWARD_WS_IDLE_TIMEOUT_SECONDS}). Timers run on the container's
 * managed scheduled executor: a waiting connection holds a scheduled task, never a thread.
 */
@ApplicationScoped
public class WebSocketLimits {
    /** The auth frame, {@code {"type":"auth","token":…}}, is small: a larger first frame is closed with 1009. */
    public static final int AUTH_FRAME_MAX_BYTES = 64 * 1024;

    /** Time from the upgrade to the auth frame; a connection still silent then is closed with 1008. */
    @Inject
    @ConfigProperty(name = "steward.ws.auth-timeout-seconds", defaultValue = "10")
    long authTimeoutSeconds;

    /**
     * Time without a frame from the client (pings count) after which a connection is closed. Prefect 3.9's client
     * pings every 20 s on all three endpoints (the websockets library's default) and a worker also heartbeats every
     * 30 s; 120 s lets a busy client miss five pings before it is taken for gone. 0 turns the limit off.
     */
    @Inject
    @ConfigProperty(name = "steward.ws.idle-timeout-seconds", defaultValue = "120")
    long idleTimeoutSeconds;

    @Resource
    ManagedScheduledExecutorService scheduler;

    public long authTimeoutMillis() {
        return TimeUnit.SECONDS.toMillis(Math.max(1, authTimeoutSeconds));
    }

    /** 0 when off; the JSR-356 endpoints pass it to {@code Session.setMaxIdleTimeout}, whose 0 also means off. */
    public long idleTimeoutMillis() {
        return TimeUnit.SECONDS.toMillis(Math.max(0, idleTimeoutSeconds));
    }

    /** Runs {@code check} once the auth timeout has passed; the check itself sees whether the auth frame came. */
    public ScheduledFuture<?> afterAuthTimeout(Runnable check) {
        return scheduler.schedule(check, authTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} after {@code millis}, for /events/in's idle timer. */
    public ScheduledFuture<?> schedule(Runnable task, long millis) {
        return scheduler.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    /** Whether a first frame is over {@link #AUTH_FRAME_MAX_BYTES} in UTF-8. */
    public static boolean oversizedAuthFrame(String text) {
        // a char is at most 3 UTF-8 bytes: encode only when the length alone does not decide
        if (text.length() <= AUTH_FRAME_MAX_BYTES / 3) return false;
        return text.length() > AUTH_FRAME_MAX_BYTES || text.getBytes(StandardCharsets.UTF_8).length > AUTH_FRAME_MAX_BYTES;
    }
}
