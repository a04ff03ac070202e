/**
 * The local Steward stack: PostgreSQL, Redis, Keycloak and Payara Micro running the WAR, all on 127.0.0.1 and free
 * ports, without Docker.
 *
 * <p>One launcher serves two users: {@link dev.steward.devstack.DevMain} ({@code bin/steward dev}, state kept under
 * {@code .steward/}) and the integration tests ({@link dev.steward.devstack.TestStack}, one stack per failsafe JVM
 * under {@code target/it/}). {@link dev.steward.devstack.Stack} does the work for both; the app is configured only
 * through environment variables (MicroProfile Config), exactly as in production.
 *
 * <p>The code lives in test scope so none of it (nor embedded PostgreSQL/Redis) ends up in the WAR.
 */
package dev.steward.devstack;
