/**
 * Identity and access: who is asking ({@link dev.steward.access.Caller}, authenticated by the one Jakarta Security
 * mechanism {@link dev.steward.access.StewardAuthMechanism}: tenant API key, Keycloak bearer token or the browser's
 * OIDC login), workspaces as tenants with their members, roles and API keys, and the one gate into a workspace.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>Every way into a workspace goes through {@link dev.steward.access.TenantScope#enter}: the REST filter, the
 * console, the WebSocket endpoints (through {@link dev.steward.access.WebSocketAuth}); background jobs take
 * {@link dev.steward.access.TenantScope#system}. Work runs in a workspace only under an
 * {@link dev.steward.access.Admission}: a REST request's, which the filter keeps in {@code RequestTenant} for the
 * request, or one bound to the thread by its {@code call/supply/run}. That is what Hibernate's tenant resolver and raw
 * SQL ({@link dev.steward.access.TenantScope#workspaceId()}) read. Admissions are made by the gate alone.</li>
 * <li>Deny by default: every REST method and WebSocket endpoint declares the role it needs ({@link
 * dev.steward.access.MinRole}, or {@link dev.steward.access.UserRoute} outside a workspace); an undeclared one is
 * refused by {@link dev.steward.access.RouteAccessFilter}, and {@code RouteDeclarationsTest} fails the build on it.
 * Which POSTs only read is told by their last path segment (filter, count, history, paginate, count-by).</li>
 * <li>A workspace the caller may not see is a 404, never a 403 that confirms it exists.</li>
 * <li>What cannot be a credential or a workspace (an API key with a NUL character, a reference that is neither an id
 * nor a well-formed slug) is unknown without a query: PostgreSQL refuses a NUL in text.</li>
 * </ul>
 */
package dev.steward.access;
