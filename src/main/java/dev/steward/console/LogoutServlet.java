package dev.steward.console;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs the console user out. {@code request.logout()} makes the container call the authentication mechanism's
 * {@code cleanSubject}, which for console paths is Soteria's OpenID mechanism: it forgets the tokens and, with
 * {@code notifyProvider}, redirects to Keycloak's end-session endpoint (which returns to "/"). The HTTP session,
 * and with it the Vaadin session, is dropped as well. Without a provider redirect, this redirects to "/" itself,
 * where the login starts again.
 */
@WebServlet(urlPatterns = "/logout")
public class LogoutServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(LogoutServlet.class.getName());

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            req.logout();
        } catch (ServletException | RuntimeException e) {
            LOG.log(Level.FINE, "Logout at the authentication mechanism failed; dropping the session anyway", e);
        }
        HttpSession session = req.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalid) {
                // nothing left to drop
            }
        }
        if (!resp.isCommitted() && resp.getHeader("Location") == null) {
            resp.sendRedirect(req.getContextPath() + "/");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        doGet(req, resp);
    }
}
