/**
 * Variables, with Prefect 3's API and rules: named JSON values with tags, per workspace. Changes emit
 * {@code prefect.variable.created|updated|deleted} and an audit record in the same transaction.
 */
package dev.steward.variables;
