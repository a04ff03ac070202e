/**
 * The browser console (Vaadin Flow, production mode, pushed updates): the layout with the workspace switcher, and one
 * sub-package per area ({@code variables}, {@code blocks}, {@code apikeys}, {@code cleanup}, {@code runs} for the flow
 * runs list, {@code run} for the flow run and task run pages, {@code artifacts} for the Artifacts page and the runs'
 * Artifacts tab, {@code automations} for the automations, their editor, backtest and firing history), the keyboard
 * shortcuts ({@link dev.steward.console.Shortcuts}) and the light/dark theme switch.
 * Views call the same application services as the REST API, never HTTP to itself.
 *
 * <p>Rules every view follows:
 * <ul>
 * <li>Who: the Keycloak user of the browser session ({@link dev.steward.console.ConsoleWorkspaces#caller()}); only a
 * {@code USER} caller is ever accepted here.</li>
 * <li>Where: the workspace chosen in the switcher, remembered in the {@code VaadinSession}.</li>
 * <li>Every service call for that workspace goes through {@link dev.steward.console.ConsoleWorkspaces#call}: it enters
 * the workspace through the gate ({@code TenantScope.enter}, the same check as the API's), then runs the work inside
 * the admission in a new transaction (Hibernate fixes a session's tenant when it opens, so the transaction must start
 * after the tenant is set). The role
 * shown in the UI only hides buttons; the check in {@code call} is the one that counts.</li>
 * <li>Live updates: {@link dev.steward.console.LiveUpdates} subscribes a view to the workspace's committed events on
 * attach and closes the subscription on detach or when the workspace changes.</li>
 * </ul>
 */
package dev.steward.console;
