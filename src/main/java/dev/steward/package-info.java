/**
 * Steward: a multi-tenant, Prefect-3-compatible workflow orchestration control plane. One package per capability;
 * {@code platform} holds only what cuts across all of them.
 */
package dev.steward;
