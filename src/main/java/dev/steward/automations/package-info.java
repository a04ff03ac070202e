/**
 * Prefect's automations API. Automations (triggers on events, actions) are not built yet, so no automation exists
 * in any workspace; what is here answers the one read the CLI makes on its own, so that commands such as
 * {@code prefect deployment inspect} work.
 *
 * <p>The outbound side of two actions is ready for them: {@link dev.steward.automations.Notifications} sends what
 * {@code send-notification} sends through a Slack, Microsoft Teams or custom webhook block, and what
 * {@code call-webhook} sends through a Webhook block, given the block's opened data. Every such request goes through
 * {@link dev.steward.automations.OutboundCalls}: private targets refused unless the operator allows them
 * ({@code steward.webhooks.allow-private}), the checked address pinned for the connection, one 10 s deadline, a capped
 * answer, no redirects, and failure reasons that never hold the URL, a header or a secret.
 */
package dev.steward.automations;
