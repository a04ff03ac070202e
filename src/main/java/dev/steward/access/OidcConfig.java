package dev.steward.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The browser login's OpenID Connect settings, read by {@link SecurityConfig}'s annotation through EL
 * (STEWARD_OIDC_PROVIDER_URI, STEWARD_OIDC_CLIENT_ID, STEWARD_OIDC_CLIENT_SECRET).
 */
@ApplicationScoped
@Named("oidcConfig")
public class OidcConfig {
    @Inject
    @ConfigProperty(name = "steward.oidc.provider.uri")
    String providerUri;

    @Inject
    @ConfigProperty(name = "steward.oidc.client.id")
    String clientId;

    @Inject
    @ConfigProperty(name = "steward.oidc.client.secret")
    String clientSecret;

    public String getProviderUri() { return providerUri; }
    public String getClientId() { return clientId; }
    public String getClientSecret() { return clientSecret; }
}
