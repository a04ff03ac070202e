package dev.steward.devstack;

/**
 * Where the running stack answers. URLs have no trailing slash.
 *
 * @param appUrl       Steward (Payara Micro, context root /), e.g. {@code http://127.0.0.1:21080}
 * @param keycloakUrl  Keycloak base URL, e.g. {@code http://127.0.0.1:21180}
 * @param realm        the Keycloak realm, {@code steward}
 * @param clientId     the confidential OIDC client of the console, also the access token audience
 * @param clientSecret its secret
 * @param jdbcUrl      the {@code steward} database
 * @param dbUser       owner of that database
 * @param dbPassword   its password
 * @param redisUrl     e.g. {@code redis://127.0.0.1:21379}
 */
public record Endpoints(String appUrl, String keycloakUrl, String realm, String clientId, String clientSecret,
                        String jdbcUrl, String dbUser, String dbPassword, String redisUrl) {

    /** The OIDC issuer, also {@code mp.jwt.verify.issuer}. */
    public String issuer() {
        return keycloakUrl + "/realms/" + realm;
    }

    public String tokenUrl() {
        return issuer() + "/protocol/openid-connect/token";
    }

    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /** The Prefect-compatible API root of a workspace, what {@code PREFECT_API_URL} points at. */
    public String workspaceApiUrl(String workspace) {
        return appUrl + "/api/workspaces/" + workspace;
    }
}
