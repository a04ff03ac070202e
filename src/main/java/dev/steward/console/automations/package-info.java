/**
 * The console's automations pages: the list ({@code automations}: search, sort, paging, an enabled switch, when each
 * last fired), one automation ({@code automations/<id>}: its firings and each action's outcome), and the editor that
 * creates and edits one, with a backtest over the workspace's last 24 hours. Every call goes through
 * {@link dev.steward.console.automations.AutomationsData}, which names the role each needs.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>One meaning, two tabs: the editor's form and its JSON tab stand for the same body of Prefect's
 * {@code POST /automations/}. The form writes triggers from templates ({@code TriggerChoice}) and actions
 * ({@code ActionChoice}); JSON becomes the form only when the form, writing it again, gives back the same automation
 * as the API reads it, so JSON the form cannot say is never lost: it stays in the JSON tab.</li>
 * <li>No rule of the console's own: bodies are read by the REST API's {@code AutomationDocument} and saved by its
 * {@code AutomationService}; its 422 comes back on the form's fields, or as the detail in the JSON tab.</li>
 * <li>A backtest writes nothing and runs no action: it replays stored events through the evaluator's semantics in
 * memory ({@code automations.AutomationBacktest}); it reads, so viewers may run it as they may read events.</li>
 * <li>Viewers see the lists, pages and firings; the switches are read-only and the buttons to create, edit and
 * delete are shown to developers and above, and {@link dev.steward.console.ConsoleWorkspaces#call} checks the role
 * again.</li>
 * </ul>
 */
package dev.steward.console.automations;
