package dev.steward.events;

import dev.steward.platform.WebSocketFrames;
import dev.steward.platform.WebSocketFrames.ProtocolException;
import dev.steward.tenancy.TenantContext;
import dev.steward.tenancy.Workspace;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection on Prefect's events intake, {@code WS /events/in}: the auth frame first (as on /events/out),
 * then one event per text frame, nothing sent back but pongs.
 *
 * <p>The guarantee: when the server answers a ping, every event sent before that ping is committed to PostgreSQL and
 * survives a crash of the server. Prefect's client relies on exactly that: it keeps the events it sent since its last
 * answered ping and sends them again after a reconnect. Events are committed in batches: all the frames one read
 * delivers (at most {@link #MAX_BATCH}), before the next read and always before a pong, so a busy connection commits
 * many events per transaction and a quiet one each event at once. If a commit fails, the connection is closed
 * (1011) without a pong, and the client sends the batch again on its next connection; ids already stored are taken
 * once only. An event that is not valid JSON or lacks a required field is dropped and logged (the protocol has no
 * reply).
 */
public class EventsInConnection implements HttpUpgradeHandler {
    private static final Logger LOG = Logger.getLogger(EventsInConnection.class.getName());
    static final int MAX_BATCH = 2_000;
    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private String workspaceRef;
    private WebSocketAuth auth;
    private EventIntake intake;

    private Workspace workspace;
    private final List<RunEvent> pending = new ArrayList<>();
    private WebConnection connection;
    private ServletInputStream in;
    private ServletOutputStream out;
    private volatile boolean open = true;

    /** Called by {@link EventsInUpgradeFilter} right after the upgrade, before {@link #init}. */
    void bind(String workspaceRef, WebSocketAuth auth, EventIntake intake) {
        this.workspaceRef = workspaceRef;
        this.auth = auth;
        this.intake = intake;
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
        WebSocketFrames.Reader reader = new WebSocketFrames.Reader(MAX_MESSAGE_BYTES, new Frames());
        in.setReadListener(new ReadListener() {
            private final byte[] chunk = new byte[64 * 1024];

            @Override
            public void onDataAvailable() {
                try {
                    while (open && in.isReady()) {
                        int n = in.read(chunk);
                        if (n < 0) break;
                        reader.feed(chunk, 0, n);
                        if (pending.size() >= MAX_BATCH) commit();
                    }
                    commit();
                } catch (ProtocolException e) {
                    commitQuietly();
                    closeWith(e.code, e.getMessage());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "events/in: closing the connection after a failure; the client re-sends "
                            + "what was not confirmed", e);
                    closeWith(1011, "Internal error");
                }
            }

            @Override
            public void onAllDataRead() {
                commitQuietly();
                shut();
            }

            @Override
            public void onError(Throwable t) {
                commitQuietly();
                shut();
            }
        });
    }

    @Override
    public void destroy() {
        open = false;
    }

    private final class Frames implements WebSocketFrames.Listener {
        @Override
        public void text(String message) {
            if (!open) return;
            if (workspace == null) {
                authenticate(message);
                return;
            }
            try {
                pending.add(EventIntake.parse(workspace.getId(), message));
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "events/in: dropped an invalid event: " + e.getMessage());
            }
        }

        @Override
        public void ping(byte[] payload) {
            if (!open) return;
            commit(); // the pong confirms every event before the ping: they must be durable first
            send(WebSocketFrames.frame(WebSocketFrames.PONG, payload));
        }

        @Override
        public void close(int code, String reason) {
            commit();
            closeWith(code == 1005 ? 1000 : code, "");
        }
    }

    private void authenticate(String message) {
        Optional<Workspace> ws;
        try {
            ws = auth.authenticate(workspaceRef, dev.steward.platform.Json.parseObject(message));
        } catch (IllegalArgumentException e) {
            ws = Optional.empty();
        }
        if (ws.isEmpty()) {
            closeWith(1008, "Invalid token");
            return;
        }
        workspace = ws.get();
        send(WebSocketFrames.text("{\"type\":\"auth_success\"}"));
    }

    private void commit() {
        if (pending.isEmpty()) return;
        List<RunEvent> batch = List.copyOf(pending);
        pending.clear();
        TenantContext.runAs(workspace.getId(), () -> intake.store(workspace.getId(), batch));
    }

    private void commitQuietly() {
        try {
            commit();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "events/in: could not commit the last events of a closing connection", e);
        }
    }

    private void send(byte[] frame) {
        try {
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            shut();
        }
    }

    private void closeWith(int code, String reason) {
        if (!open) return;
        send(WebSocketFrames.close(code, reason));
        shut();
    }

    private void shut() {
        open = false;
        try {
            connection.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "events/in: closing", e);
        }
    }
}
