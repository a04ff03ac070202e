package dev.steward.events;

import dev.steward.access.WebSocketAuth;
import dev.steward.platform.WebSocketFrames;
import dev.steward.platform.WebSocketLimits;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WebSocket handshake of {@code /api/workspaces/{workspace}/events/in} (RFC 6455, version 13, subprotocol
 * {@code prefect} when asked for), handing the connection to an {@link EventsInConnection}. Every other request
 * passes through. Why this endpoint is not a JSR-356 endpoint: see {@link WebSocketFrames}.
 */
@WebFilter(urlPatterns = "/api/workspaces/*", asyncSupported = true)
public class EventsInUpgradeFilter extends HttpFilter {
    private static final Pattern PATH = Pattern.compile(
            EventsInConnection.PATH.replace("{workspace}", "([^/]+)") + "/?");

    @Inject
    WebSocketAuth auth;

    @Inject
    EventIntake intake;

    @Resource
    ManagedExecutorService executor;

    @Inject
    WebSocketLimits limits;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Matcher path = PATH.matcher(request.getRequestURI().substring(request.getContextPath().length()));
        if (!path.matches() || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        String key = request.getHeader("Sec-WebSocket-Key");
        if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
            response.setHeader("Sec-WebSocket-Version", "13");
            response.sendError(426, "WebSocket version 13 is required");
            return;
        }
        if (!"GET".equals(request.getMethod()) || key == null || key.isBlank()) {
            response.sendError(400, "Not a WebSocket handshake");
            return;
        }
        response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
        response.setHeader("Upgrade", "websocket");
        response.setHeader("Connection", "Upgrade");
        response.setHeader("Sec-WebSocket-Accept", WebSocketFrames.acceptKey(key));
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null && Arrays.stream(protocols.split(",")).map(String::trim).anyMatch("prefect"::equals)) {
            response.setHeader("Sec-WebSocket-Protocol", "prefect");
        }
        EventsInConnection connection = request.upgrade(EventsInConnection.class);
        connection.bind(path.group(1), auth, intake, executor, limits);
        response.flushBuffer(); // sends the 101 now; the connection is the handler's from here on
    }
}
