/**
 * The audit trail: who did what to which object in which workspace, from where, with the state before and after.
 * Records are hash-chained per workspace (each names the hash of the one before), so an export can be verified
 * offline; written in the same transaction as the change they describe.
 */
package dev.steward.audit;
