/**
 * Integration tests: the built WAR on Payara Micro with real PostgreSQL, Redis and Keycloak (one stack for the whole
 * failsafe run, see {@code devstack.TestStack}), driven over HTTP, by the real Prefect client and by Chromium.
 */
package dev.steward.it;
