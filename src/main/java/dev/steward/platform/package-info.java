/**
 * Cross-cutting plumbing only: JSON, the error shape every endpoint answers with, request-body reading, the datasource
 * and migrations at start-up, bulk rows by COPY, the Redis connection and its plumbing (leases, subscriptions,
 * optimistic transactions, Lua scripts), health checks and the JAX-RS application, the
 * RFC 6455 framing of /events/in and the limits every WebSocket endpoint applies ({@link
 * dev.steward.platform.WebSocketLimits}: auth deadline and size, idle timeout); the production guard and the client's
 * address.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>With {@code STEWARD_PROFILE=prod}, {@link dev.steward.platform.ProductionGuard} fails the deployment before any
 * other start-up work while a shipped secret or login is in use; messages name settings, never their values.</li>
 * <li>Where a request came from is asked of {@link dev.steward.platform.ClientAddresses} only, never of
 * {@code getRemoteAddr()}: {@code X-Forwarded-For} counts only from {@code STEWARD_TRUSTED_PROXIES}, and only literal
 * addresses are parsed (no DNS).</li>
 * <li>Every connection of the datasource carries PostgreSQL's {@code statement_timeout}
 * ({@code steward.db.statement-timeout-seconds}); only work that may rightly run longer, such as migrations, lifts it,
 * through {@link dev.steward.platform.DataSourceConfig#withoutStatementTimeout}. A query cut off by it is a 503 with a
 * detail, not a 500.</li>
 * <li>Every REST request passes {@link dev.steward.platform.RequestGuards}: a body over
 * {@code steward.max-request-bytes} is a 413, a NUL character in a body's string or key, a path or a query parameter a
 * 422 naming where it is. WebSocket frames that reach the database are checked with
 * {@link dev.steward.platform.Body#refuseNul} by their endpoint.</li>
 * <li>Redis keys carry the workspace id. A change that depends on what it reads is one
 * {@link dev.steward.platform.RedisTransactions#optimistic} transaction (WATCH, read, decide, MULTI/EXEC, retried on
 * conflict); a step too hot for that round trip is a {@link dev.steward.platform.RedisScript} (EVALSHA, the text only
 * when Redis lost it). Neither is written again in a capability.</li>
 * </ul>
 */
package dev.steward.platform;
