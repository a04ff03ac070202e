/**
 * Variables, with Prefect 3's API and rules: named JSON values with tags, per workspace. Changes emit
 * {@code prefect.variable.created|updated|deleted} and an audit record in the same transaction.
 *
 * <p>Rules that hold here:
 * <ul>
 * <li>The Variable document is {@link dev.steward.variables.VariableDocument}'s: which fields a body may send, how a
 * create or an update is read from it, the JSON every route answers and the payload of the lifecycle events. The
 * resource reads and writes through it; {@link dev.steward.variables.VariableService} takes what it read (the console
 * calls the same service with the same values) and applies {@link dev.steward.variables.VariableRules}.</li>
 * <li>Filters are {@link dev.steward.variables.VariableFilter}, on {@link dev.steward.platform.Where}.</li>
 * </ul>
 */
package dev.steward.variables;
