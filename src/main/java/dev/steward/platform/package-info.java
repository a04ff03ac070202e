/**
 * Cross-cutting plumbing only: JSON, the error shape every endpoint answers with, request-body reading, the datasource
 * and migrations at start-up, bulk rows by COPY, the Redis connection, health checks and the JAX-RS application; the
 * production guard and the client's address.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>With {@code STEWARD_PROFILE=prod}, {@link dev.steward.platform.ProductionGuard} fails the deployment before any
 * other start-up work while a shipped secret or login is in use; messages name settings, never their values.</li>
 * <li>Where a request came from is asked of {@link dev.steward.platform.ClientAddresses} only, never of
 * {@code getRemoteAddr()}: {@code X-Forwarded-For} counts only from {@code STEWARD_TRUSTED_PROXIES}, and only literal
 * addresses are parsed (no DNS).</li>
 * </ul>
 */
package dev.steward.platform;
