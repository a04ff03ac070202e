/**
 * Prefect's automations API. Automations (triggers on events, actions) are not built yet, so no automation exists
 * in any workspace; what is here answers the one read the CLI makes on its own, so that commands such as
 * {@code prefect deployment inspect} work.
 */
package dev.steward.automations;
