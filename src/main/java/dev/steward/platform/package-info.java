/**
 * Cross-cutting plumbing only: JSON, the error shape every endpoint answers with, request-body reading, the datasource
 * and migrations at start-up, bulk rows by COPY, the Redis connection, health checks and the JAX-RS application.
 */
package dev.steward.platform;
