package dev.steward.events;

import dev.steward.access.Admission;
import dev.steward.access.MinRole;
import dev.steward.access.Role;
import dev.steward.access.WebSocketAuth;
import dev.steward.platform.Json;
import dev.steward.platform.WebSocketFrames;
import dev.steward.platform.WebSocketFrames.ProtocolException;
import dev.steward.platform.WebSocketLimits;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection on Prefect's events intake, {@code WS /events/in}: the auth frame first (as on /events/out),
 * then one event per text frame, nothing sent back but pongs.
 *
 * <p>The guarantee: when the server answers a ping, every event sent before that ping is committed to PostgreSQL and
 * survives a crash of the server. Prefect's client relies on exactly that: it keeps the events it sent since its last
 * answered ping and sends them again after a reconnect.
 *
 * <p>How: the container's I/O thread only parses frames and queues them; a committer on the managed executor stores
 * whatever has queued up in one transaction (at most {@link #MAX_BATCH} events), then the next lot, so the busier a
 * connection is the more events each commit carries, and a lone event is committed at once. A ping queues its pong
 * behind the events before it; a close frame likewise. When more than {@link #MAX_QUEUED} events wait, the I/O thread
 * stops reading until the committer catches up, which pushes back on the client through TCP. If a commit fails, the
 * connection is closed (1011) without a pong and the client sends its unconfirmed events again on its next
 * connection; ids already stored are taken once only. An event that is not valid JSON or lacks a required field is
 * dropped and logged (the protocol has no reply); so is one whose data PostgreSQL refuses (a NUL character, a number
 * beyond numeric), found by storing the failed batch's events one by one.
 *
 * <p>Limits ({@link WebSocketLimits}): the auth frame must come within the auth timeout (else 1008) and be at most
 * {@value WebSocketLimits#AUTH_FRAME_MAX_BYTES} bytes (else 1009); events up to {@value #MAX_MESSAGE_BYTES} bytes are
 * taken after it. A connection from which nothing (not even a ping) arrives for the idle timeout is closed (1000)
 * once its queued events are committed. Both are timers on the managed scheduled executor, not threads.
 */
@MinRole(Role.DEVELOPER) // events write task runs and reach every subscriber: a viewer may not send them
public class EventsInConnection implements HttpUpgradeHandler {
    /** The route, for {@link EventsInUpgradeFilter} and the tests that find every route. */
    public static final String PATH = "/api/workspaces/{workspace}/events/in";
    private static final Logger LOG = Logger.getLogger(EventsInConnection.class.getName());
    static final int MAX_BATCH = 2_000;
    static final int MAX_QUEUED = 20_000;
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private String workspaceRef;
    private WebSocketAuth auth;
    private EventIntake intake;
    private ManagedExecutorService executor;
    private WebSocketLimits limits;

    private volatile Admission admission;
    private volatile boolean authFrameCame; // in time, however long its check then takes
    private WebSocketFrames.Reader reader;
    private volatile long lastReceived = System.nanoTime();
    private volatile ScheduledFuture<?> authTimer;
    private volatile ScheduledFuture<?> idleTimer;
    private WebConnection connection;
    private ServletInputStream in;
    private ServletOutputStream out;
    private volatile boolean open = true;

    /** Events ({@link RunEvent}) and what must wait for them to be committed ({@link Runnable}), in arrival order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int queuedEvents;
    private boolean committing;

    /** Called by {@link EventsInUpgradeFilter} right after the upgrade, before {@link #init}. */
    void bind(String workspaceRef, WebSocketAuth auth, EventIntake intake, ManagedExecutorService executor,
              WebSocketLimits limits) {
        this.workspaceRef = workspaceRef;
        this.auth = auth;
        this.intake = intake;
        this.executor = executor;
        this.limits = limits;
    }

    @Override
    public void init(WebConnection webConnection) {
        connection = webConnection;
        try {
            in = webConnection.getInputStream();
            out = webConnection.getOutputStream();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "events/in: the upgraded connection has no streams", e);
            shut();
            return;
        }
        reader = new WebSocketFrames.Reader(WebSocketLimits.AUTH_FRAME_MAX_BYTES, new Frames());
        authTimer = limits.afterAuthTimeout(() -> {
            if (!authFrameCame) closeWith(1008, "No auth frame within " + limits.authTimeoutMillis() / 1000 + " s");
        });
        if (limits.idleTimeoutMillis() > 0) watchIdle(limits.idleTimeoutMillis());
        in.setReadListener(new ReadListener() {
            private final byte[] chunk = new byte[64 * 1024];

            @Override
            public void onDataAvailable() {
                try {
                    while (open && in.isReady()) {
                        int n = in.read(chunk);
                        if (n < 0) break;
                        lastReceived = System.nanoTime();
                        reader.feed(chunk, 0, n);
                    }
                } catch (ProtocolException e) {
                    String reason = e.code == 1009 && admission == null
                            ? "Auth frame over " + WebSocketLimits.AUTH_FRAME_MAX_BYTES + " bytes" : e.getMessage();
                    afterQueued(() -> closeWith(e.code, reason));
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "events/in: read failed", e);
                    afterQueued(EventsInConnection.this::shut);
                }
            }

            @Override
            public void onAllDataRead() {
                afterQueued(EventsInConnection.this::shut);
            }

            @Override
            public void onError(Throwable t) {
                afterQueued(EventsInConnection.this::shut);
            }
        });
    }

    @Override
    public void destroy() {
        open = false;
        cancelTimers();
    }

    /** Checks for silence in {@code delayMillis}, then again as long as the connection is open. */
    private void watchIdle(long delayMillis) {
        idleTimer = limits.schedule(() -> {
            if (!open) return;
            long idleMillis = limits.idleTimeoutMillis();
            long quietMillis = (System.nanoTime() - lastReceived) / 1_000_000;
            boolean committing;
            synchronized (queue) {
                committing = this.committing; // the reader may be paused for the committer: not idle
            }
            if (quietMillis >= idleMillis && !committing) {
                afterQueued(() -> closeWith(1000, "Nothing received for " + idleMillis / 1000 + " s"));
            } else {
                watchIdle(Math.max(1000, idleMillis - quietMillis));
            }
        }, delayMillis);
    }

    private void cancelTimers() {
        ScheduledFuture<?> a = authTimer;
        ScheduledFuture<?> i = idleTimer;
        if (a != null) a.cancel(false);
        if (i != null) i.cancel(false);
    }

    private final class Frames implements WebSocketFrames.Listener {
        @Override
        public void text(String message) {
            if (!open) return;
            if (admission == null) {
                authFrameCame = true;
                authenticate(message);
                return;
            }
            try {
                enqueue(EventIntake.parse(admission.workspaceId(), message));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "events/in: dropped an invalid event: " + e.getMessage());
            }
        }

        @Override
        public void ping(byte[] payload) {
            // the pong confirms every event before the ping: it goes out after they are committed
            afterQueued(() -> send(WebSocketFrames.frame(WebSocketFrames.PONG, payload)));
        }

        @Override
        public void close(int code, String reason) {
            afterQueued(() -> closeWith(code == 1005 ? 1000 : code, ""));
        }
    }

    private void authenticate(String message) {
        Optional<Admission> admitted;
        try {
            admitted = auth.admit(workspaceRef, Json.parseObject(message), EventsInConnection.class);
        } catch (IllegalArgumentException e) {
            admitted = Optional.empty();
        }
        if (admitted.isEmpty()) {
            closeWith(1008, "Invalid token");
            return;
        }
        admission = admitted.get();
        authTimer.cancel(false);
        reader.limit(MAX_MESSAGE_BYTES); // events may be larger than an auth frame
        send(WebSocketFrames.text("{\"type\":\"auth_success\"}"));
    }

    /** Queues an event; blocks the reading thread while the committer is {@link #MAX_QUEUED} events behind. */
    private void enqueue(RunEvent event) {
        synchronized (queue) {
            while (open && queuedEvents >= MAX_QUEUED) {
                try {
                    queue.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            queue.add(event);
            queuedEvents++;
            startCommitter();
        }
    }

    /** Runs {@code action} once every event queued before it is committed (at once if none is waiting). */
    private void afterQueued(Runnable action) {
        synchronized (queue) {
            queue.add(action);
            startCommitter();
        }
    }

    private void startCommitter() {
        if (!committing) {
            committing = true;
            executor.execute(this::commitQueued);
        }
    }

    /** The committer: stores what has queued up, batch after batch, running each action when its turn comes. */
    private void commitQueued() {
        while (true) {
            List<RunEvent> batch = new ArrayList<>();
            Runnable action = null;
            synchronized (queue) {
                while (!queue.isEmpty() && batch.size() < MAX_BATCH && action == null) {
                    if (queue.peek() instanceof Runnable r) {
                        if (!batch.isEmpty()) break; // commit the events ahead of it first
                        action = r;
                    } else {
                        batch.add((RunEvent) queue.peek());
                    }
                    queue.poll();
                }
                if (batch.isEmpty() && action == null) {
                    committing = false;
                    return;
                }
                queuedEvents -= batch.size();
                queue.notifyAll();
            }
            if (!batch.isEmpty()) { // also when the peer has gone: these events arrived whole
                try {
                    store(batch);
                } catch (RuntimeException e) {
                    if (refusedData(e) && storeEachOrDrop(batch)) {
                        if (action != null) action.run();
                        continue;
                    }
                    LOG.log(Level.WARNING, "events/in: could not commit " + batch.size() + " events; closing the "
                            + "connection so that the client sends them again", e);
                    closeWith(1011, "Internal error");
                    synchronized (queue) {
                        queue.clear();
                        queuedEvents = 0;
                        committing = false;
                        queue.notifyAll();
                    }
                    return;
                }
            }
            if (action != null) action.run();
        }
    }

    private void store(List<RunEvent> events) {
        for (int attempt = 1; ; attempt++) {
            boolean byCopy = attempt == 1;
            try {
                admission.run(() -> intake.store(admission.workspaceId(), events, byCopy));
                return;
            } catch (RuntimeException e) {
                // another connection stored some of these events at the same moment: again, skipping what it stored
                if (attempt == 3 || !EventIntake.isConflict(e)) throw e;
            }
        }
    }

    /**
     * After PostgreSQL refused a batch's data: each event on its own, dropping those it refuses (they would fail on
     * every retry, and the client would resend them for ever). False when a failure is of another kind: then the
     * client has to send them again.
     */
    private boolean storeEachOrDrop(List<RunEvent> batch) {
        for (RunEvent event : batch) {
            try {
                store(List.of(event));
            } catch (RuntimeException e) {
                if (!refusedData(e)) return false;
                LOG.log(Level.WARNING, "events/in: dropped event " + event.id() + ", whose data PostgreSQL refuses: "
                        + rootMessage(e));
            }
        }
        return true;
    }

    /** PostgreSQL's data exceptions (SQLSTATE 22xxx: NUL in text, numbers beyond numeric, ...) and limits (54xxx). */
    static boolean refusedData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("54"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    private void send(byte[] frame) {
        synchronized (this) { // the committer's pongs and the reader's replies never interleave
            try {
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                shut();
            }
        }
    }

    private void closeWith(int code, String reason) {
        if (!open) return;
        send(WebSocketFrames.close(code, reason));
        shut();
    }

    private void shut() {
        open = false;
        cancelTimers();
        synchronized (queue) {
            queue.notifyAll();
        }
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "events/in: closing", e);
        }
    }
}
