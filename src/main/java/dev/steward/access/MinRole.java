package dev.steward.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The weakest workspace role that may call a REST method under {@code /api/workspaces/{workspace}} (or
 * {@code /api/admin/workspaces/{workspace}}), or open a WebSocket endpoint; checked through {@link TenantScope#enter}.
 * Reads need {@code VIEWER}, writes {@code DEVELOPER} (also those a worker makes), workspace administration
 * {@code ADMIN}. There is no default: a route without a declaration is refused, and {@code RouteDeclarationsTest}
 * fails the build on it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface MinRole {
    Role value();
}
