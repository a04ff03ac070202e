package dev.steward.platform;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * All REST resources live under /api. {@code @LoginConfig(MP-JWT)} makes Payara install its JWT mechanism, which the
 * one authentication mechanism ({@code security.StewardAuthMechanism}) delegates Keycloak bearer tokens to.
 */
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({"steward-user", "steward-admin", "api-key"})
public class RestApplication extends Application {
}
