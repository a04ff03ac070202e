package dev.steward.access;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.ClaimsDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.LogoutDefinition;

/**
 * Makes Soteria create its OpenID Connect mechanism for the console's Keycloak login. It is not the active mechanism:
 * {@link StewardAuthMechanism} is, and delegates browser requests to it. Keycloak realm roles arrive in the
 * {@code groups} claim and become container roles.
 */
@OpenIdAuthenticationMechanismDefinition(
        providerURI = "${oidcConfig.providerUri}",
        clientId = "${oidcConfig.clientId}",
        clientSecret = "${oidcConfig.clientSecret}",
        redirectURI = "${baseURL}/callback",
        redirectToOriginalResource = true,
        claimsDefinition = @ClaimsDefinition(callerNameClaim = "preferred_username", callerGroupsClaim = "groups"),
        logout = @LogoutDefinition(notifyProvider = true, redirectURI = "${baseURL}/"))
@DeclareRoles({Caller.USER_ROLE, Caller.PLATFORM_ADMIN_ROLE, "api-key"})
@ApplicationScoped
public class SecurityConfig {
}
