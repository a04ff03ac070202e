/**
 * Workspaces as tenants: workspaces, their members and roles, tenant API keys, and the request's tenant. Every
 * tenant-owned entity carries the workspace id as a Hibernate {@code @TenantId}; {@link WorkspaceTenantResolver} tells
 * Hibernate which workspace the current unit of work belongs to.
 */
package dev.steward.tenancy;
