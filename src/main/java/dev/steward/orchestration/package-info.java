/**
 * The Prefect orchestration API of a workspace: for now the server facts the client asks for before any work (API
 * version, health, CSRF); flows, flow runs, task runs and states follow.
 */
package dev.steward.orchestration;
