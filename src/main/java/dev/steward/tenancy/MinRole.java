package dev.steward.tenancy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The weakest workspace role that may call a REST method under /api/workspaces/{workspace}; checked by
 * {@link WorkspaceTenantFilter}. Methods without it are open to every role (viewer and up): reading is the default.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface MinRole {
    Role value();
}
