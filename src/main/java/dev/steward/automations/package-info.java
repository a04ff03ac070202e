/**
 * Prefect's automations: a trigger on the workspace's events and the actions it runs when it fires.
 *
 * <p>The model: {@link dev.steward.automations.Trigger} (event triggers, reactive or proactive, and compound and
 * sequence triggers over them) and {@link dev.steward.automations.Action} are read with Prefect's validation, plus one
 * rule of Steward's: a trigger that would fire on every event of the workspace is refused. Automations are stored by
 * {@link dev.steward.automations.AutomationService}, which fires their lifecycle events and keeps their relations to
 * the deployments they run and to the deployment that owns them (deleted with it).
 *
 * <p>Evaluation, by {@link dev.steward.automations.AutomationEvaluator} on one instance at a time:
 * <ul>
 * <li>It reads committed events in commit order, below the oldest transaction still running (so none is passed over),
 * and moves its cursor in the transaction that records what the events did: each event counts once.</li>
 * <li>Buckets, composite triggers' child firings, firings and their pending action runs are rows, written in that same
 * transaction: a firing and its actions exist together or not at all, and survive any instance's death.</li>
 * <li>Windows compare events' {@code occurred} times, as Prefect's; proactive deadlines compare the clock, which the
 * tests move ({@link dev.steward.automations.TriggerEvaluation} takes it as a parameter).</li>
 * <li>Nothing it writes grows for ever: firings and their action runs past {@code steward.automations.retention} are
 * deleted by {@link dev.steward.automations.AutomationRetention}, never one with a run unfinished, nor an automation's
 * newest.</li>
 * </ul>
 *
 * <p>A backtest ({@link dev.steward.automations.AutomationBacktest}) replays the workspace's stored events of the last
 * 24 hours through {@link dev.steward.automations.TriggerEvaluation}, unchanged, on a
 * {@link dev.steward.automations.TriggerState} in memory instead of the evaluator's rows: which events would have fired
 * an automation, and when, before it is saved; it writes nothing and runs no action. The console's pages read through
 * {@link dev.steward.automations.AutomationsPageReadModel} (the list, with when each last fired) and
 * {@link dev.steward.automations.AutomationPageReadModel} (an automation's firings and its actions' outcomes).
 *
 * <p>Actions run on every instance ({@link dev.steward.automations.ActionRuns}): a run is claimed with one conditional
 * update (an instance hands a run to its executor once, until that hand-over is done), an action on this server's
 * objects commits with its success mark, and a failed attempt is retried with backoff when it may pass. A run given up
 * emits {@code prefect.automation.action.failed} as a failed attempt does. Actions act only inside the automation's
 * workspace. Their templates are rendered by
 * {@link dev.steward.automations.Templates} over {@link dev.steward.automations.TemplateContext}, which reads the
 * objects they name in that workspace; a run-deployment action's parameters are hydrated as Prefect hydrates them
 * ({@link dev.steward.automations.RunParameters}: checked when saved, rendered when run).
 *
 * <p>Calls out of the server: {@link dev.steward.automations.Notifications} sends what
 * {@code send-notification} sends through a Slack, Microsoft Teams or custom webhook block, and what
 * {@code call-webhook} sends through a Webhook block, given the block's opened data. Every such request goes through
 * {@link dev.steward.automations.OutboundCalls}: private targets refused unless the operator allows them
 * ({@code steward.webhooks.allow-private}), the checked address pinned for the connection, one 10 s deadline, a capped
 * answer, no redirects, and failure reasons that never hold the URL, a header or a secret.
 */
package dev.steward.automations;
