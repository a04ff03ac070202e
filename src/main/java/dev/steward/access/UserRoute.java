package dev.steward.access;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A REST route for signed-in Keycloak users only, never an API key (the admin API: an API key cannot mint keys or
 * make workspaces). Outside a workspace it is the whole declaration; with a {@code {workspace}} in the path a
 * {@link MinRole} is needed as well. {@code platformAdmin} routes are for platform admins alone.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface UserRoute {
    boolean platformAdmin() default false;
}
