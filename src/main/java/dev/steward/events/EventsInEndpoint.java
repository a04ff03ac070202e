package dev.steward.events;

import dev.steward.platform.Json;
import dev.steward.tenancy.TenantContext;
import dev.steward.tenancy.Workspace;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prefect's events intake, {@code WS /events/in}: the auth frame first (as on /events/out), then one event per text
 * frame, nothing sent back. Each event is committed before the next frame is read, so an event this endpoint has
 * taken survives a crash of the server; task-run events also become task runs in that same transaction. An event
 * that is not valid JSON or lacks the required fields is dropped and logged (the protocol has no reply).
 */
@ServerEndpoint(value = "/api/workspaces/{workspace}/events/in", subprotocols = {"prefect"})
public class EventsInEndpoint {
    private static final Logger LOG = Logger.getLogger(EventsInEndpoint.class.getName());

    @Inject
    WebSocketAuth auth;

    @Inject
    EventIntake intake;

    private Workspace workspace;

    @OnOpen
    public void open(Session session, @PathParam("workspace") String slugOrId) {
        session.setMaxIdleTimeout(0);
        session.getUserProperties().put("workspace", slugOrId);
    }

    @OnMessage
    public void message(String text, Session session) throws IOException {
        JsonObject frame;
        try {
            frame = Json.parseObject(text);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "events/in: dropped a frame that is not JSON");
            return;
        }
        if (workspace == null) {
            Optional<Workspace> ws = auth.authenticate((String) session.getUserProperties().get("workspace"), frame);
            if (ws.isEmpty()) {
                session.close(new CloseReason(CloseCodes.VIOLATED_POLICY, "Invalid token"));
                return;
            }
            workspace = ws.get();
            session.getBasicRemote().sendText("{\"type\":\"auth_success\"}");
            return;
        }
        try {
            TenantContext.runAs(workspace.getId(), () -> intake.accept(workspace.getId(), frame));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "events/in: dropped an invalid event: " + e.getMessage());
        }
    }
}
