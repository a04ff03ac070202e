package dev.steward.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * After the login the browser sits on the original URL with Keycloak's code and state in the query string; the session
 * is established by then, so redirect once to the clean URL to keep the one-time code out of history and bookmarks.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class OidcCallbackCleanupFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if ("GET".equals(req.getMethod()) && req.getUserPrincipal() != null
                && !req.getRequestURI().startsWith(req.getContextPath() + "/api/")
                && req.getParameter("code") != null && req.getParameter("state") != null
                && (req.getParameter("session_state") != null || req.getParameter("iss") != null)) {
            res.sendRedirect(req.getRequestURI());
            return;
        }
        chain.doFilter(req, res);
    }
}
