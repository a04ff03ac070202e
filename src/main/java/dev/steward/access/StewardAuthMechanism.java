package dev.steward.access;

import dev.steward.platform.Json;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContextWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.glassfish.soteria.mechanisms.OpenIdAuthenticationMechanism;

/**
 * The one active authentication mechanism of the WAR. Payara 6 has Jakarta Security 3.0, where exactly one
 * mechanism may be active: Soteria's OpenID mechanism and Payara's MP-JWT mechanism are both beans, and this enabled
 * {@code @Alternative} wins the resolution and routes each request:
 * <ul>
 * <li>{@code /api/workspaces/**} and {@code /api/admin/**} (not WebSocket upgrades): credentials required, never a
 * redirect. {@code Bearer stw_…} or {@code Basic base64(stw_…)} / {@code base64(any:stw_…)} is a tenant API key (the
 * Prefect client sends Basic when PREFECT_API_AUTH_STRING is set); any other Bearer token is a Keycloak JWT checked by
 * Payara's MP-JWT mechanism. Missing or bad credentials: 401 with a JSON detail.</li>
 * <li>other {@code /api/**} and WebSocket upgrades: public here; WebSockets authenticate with their first frame.</li>
 * <li>everything else is the console: Soteria's OpenID Connect login against Keycloak.</li>
 * </ul>
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION + 100)
@ApplicationScoped
public class StewardAuthMechanism implements HttpAuthenticationMechanism {
    private static final Logger LOG = Logger.getLogger(StewardAuthMechanism.class.getName());
    private static final String MP_JWT_MECHANISM = "fish.payara.microprofile.jwtauth.eesecurity.JWTAuthenticationMechanism";
    public static final String WORKSPACE_GROUPS_CLAIM = "workspace_groups";

    /** Soteria's bean is {@code @Typed(OpenIdAuthenticationMechanism.class)}, so this injection is unambiguous. */
    @Inject
    OpenIdAuthenticationMechanism oidc;

    @Inject
    ApiKeyService apiKeys;

    @Inject
    BeanManager beanManager;

    private volatile HttpAuthenticationMechanism mpJwt;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest req, HttpServletResponse resp, HttpMessageContext ctx)
            throws AuthenticationException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (isOperations(path)) {
            return ctx.doNothing(); // health, metrics and OpenAPI: for monitoring, no login
        }
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            AuthenticationStatus status = oidc.validateRequest(req, resp, ctx);
            if (ctx.getRequest() != req) {
                // Soteria 3.0.3 with redirectToOriginalResource rebuilds the original request without its parameter
                // map (NPE in Vaadin); the current request already is the GET on the original URL, so keep it.
                ctx.withRequest(req);
            }
            return status;
        }
        boolean protectedApi = path.startsWith("/api/workspaces/") || path.startsWith("/api/admin/")
                || path.equals("/api/admin");
        if (!protectedApi || "websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            return ctx.doNothing();
        }
        String authorization = req.getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return unauthorized(ctx, "Not authenticated: send an API key or a bearer token in the Authorization header");
        }
        int space = authorization.indexOf(' ');
        String scheme = space > 0 ? authorization.substring(0, space) : authorization;
        String value = space > 0 ? authorization.substring(space + 1).trim() : "";
        if ("Bearer".equalsIgnoreCase(scheme)) {
            return ApiKeyService.looksLikeKey(value) ? apiKey(value, req, ctx) : jwt(req, resp, ctx);
        }
        if ("Basic".equalsIgnoreCase(scheme)) {
            return apiKey(keyFromBasic(value), req, ctx);
        }
        return unauthorized(ctx, "Unsupported authorization scheme: use Bearer or Basic");
    }

    @Override
    public void cleanSubject(HttpServletRequest req, HttpServletResponse resp, HttpMessageContext ctx) {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.startsWith("/api/")) {
            HttpAuthenticationMechanism.super.cleanSubject(req, resp, ctx);
        } else {
            oidc.cleanSubject(req, resp, ctx); // also logs out at Keycloak (notifyProvider)
        }
    }

    private AuthenticationStatus apiKey(String presented, HttpServletRequest req, HttpMessageContext ctx) {
        Optional<ApiKey> key = apiKeys.authenticate(presented);
        if (key.isEmpty()) {
            return unauthorized(ctx, "Invalid, expired or revoked API key");
        }
        ApiKey k = key.get();
        req.setAttribute(Caller.REQUEST_ATTRIBUTE, Caller.apiKey(k.getId(), k.getPrefix(), k.getWorkspaceId(), k.getRole()));
        authType(ctx, "API-KEY");
        return ctx.notifyContainerAboutLogin(new CallerPrincipal("api-key:" + k.getPrefix()), Set.of("api-key"));
    }

    private AuthenticationStatus jwt(HttpServletRequest req, HttpServletResponse resp, HttpMessageContext ctx)
            throws AuthenticationException {
        HttpAuthenticationMechanism delegate = mpJwt();
        if (delegate == null) {
            return unauthorized(ctx, "Bearer token authentication is not available");
        }
        // Payara's mechanism answers a bad token with sendError(401), an HTML page: make that our JSON 401.
        AuthenticationStatus status = delegate.validateRequest(req, resp, new HttpMessageContextWrapper(ctx) {
            @Override
            public AuthenticationStatus responseUnauthorized() {
                return unauthorized(ctx, "Invalid or expired bearer token");
            }
        });
        if (status != AuthenticationStatus.SUCCESS) {
            return status == AuthenticationStatus.SEND_FAILURE ? status : unauthorized(ctx, "Invalid or expired bearer token");
        }
        JsonWebToken token = ctx.getClientSubject().getPrincipals(JsonWebToken.class).stream().findFirst().orElse(null);
        if (token == null) {
            return unauthorized(ctx, "Invalid or expired bearer token");
        }
        Set<String> roles = token.getGroups() == null ? Set.of() : new HashSet<>(token.getGroups());
        Caller caller = Caller.user(token.getName(), roles, stringSet(token.getClaim(WORKSPACE_GROUPS_CLAIM)));
        req.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
        authType(ctx, "MP-JWT");
        return status;
    }

    private static boolean isOperations(String path) {
        for (String root : new String[] {"/health", "/metrics", "/openapi"}) {
            if (path.equals(root) || path.startsWith(root + "/")) return true;
        }
        return false;
    }

    /** A multi-valued claim as strings, whichever representation the JWT library chose for it. */
    public static Set<String> stringSet(Object claim) {
        Set<String> out = new HashSet<>();
        if (claim instanceof JsonArray array) {
            array.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : v.toString()));
        } else if (claim instanceof Collection<?> values) {
            values.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : String.valueOf(v)));
        } else if (claim instanceof String s) {
            out.add(s);
        }
        return out;
    }

    private HttpAuthenticationMechanism mpJwt() {
        HttpAuthenticationMechanism m = mpJwt;
        if (m == null) {
            for (Bean<?> b : beanManager.getBeans(HttpAuthenticationMechanism.class)) {
                boolean isMpJwt = b.getTypes().stream()
                        .anyMatch(t -> t instanceof Class<?> c && c.getName().equals(MP_JWT_MECHANISM));
                if (isMpJwt) {
                    m = (HttpAuthenticationMechanism) beanManager.getReference(b, HttpAuthenticationMechanism.class,
                            beanManager.createCreationalContext(b));
                    mpJwt = m;
                    break;
                }
            }
        }
        return m;
    }

    /** What getAuthType() reports; Payara reads this MessageInfo key (otherwise it says BASIC). */
    @SuppressWarnings("unchecked")
    private static void authType(HttpMessageContext ctx, String type) {
        ctx.getMessageInfo().getMap().put("jakarta.servlet.http.authType", type);
    }

    /** Basic credentials carrying a key: base64(key), base64(key:) or base64(anything:key). */
    static String keyFromBasic(String base64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return decoded;
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        return password.isEmpty() ? user : password;
    }

    static AuthenticationStatus unauthorized(HttpMessageContext ctx, String detail) {
        HttpServletResponse r = ctx.getResponse();
        try {
            r.resetBuffer();
            r.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            r.setHeader("WWW-Authenticate", "Bearer realm=\"steward\"");
            r.setContentType("application/json");
            r.setCharacterEncoding("UTF-8");
            r.getWriter().write(Json.errorBody(detail));
            r.flushBuffer(); // committed: the container cannot replace the body with an HTML error page
        } catch (IOException e) {
            LOG.warning("could not write 401: " + e);
        }
        return AuthenticationStatus.SEND_FAILURE;
    }
}
