/**
 * The Prefect orchestration API of a workspace: for now the server facts the client asks for before any work (API
 * version, health, CSRF) and flows; flow runs, task runs, states and the rule chain follow.
 */
package dev.steward.orchestration;
