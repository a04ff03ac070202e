/**
 * Cross-cutting plumbing only: JSON, the error shape every endpoint answers with, request-body reading, the datasource
 * and migrations at start-up, bulk rows by COPY, the Redis connection, health checks and the JAX-RS application, the
 * RFC 6455 framing of /events/in and the limits every WebSocket endpoint applies ({@link
 * dev.steward.platform.WebSocketLimits}: auth deadline and size, idle timeout).
 */
package dev.steward.platform;
