/**
 * Authentication and the caller: the one Jakarta Security mechanism of the WAR, which accepts a tenant API key
 * (Bearer, Basic), a Keycloak bearer token, or the browser's OIDC login, and {@link Caller}, what the rest of the code
 * knows about who is asking.
 */
package dev.steward.security;
