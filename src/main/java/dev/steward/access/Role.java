package dev.steward.access;

import java.util.Locale;
import java.util.Optional;

/** Roles within one workspace, weakest first: each role may do everything the ones before it may. */
public enum Role {
    VIEWER, DEVELOPER, ADMIN, OWNER;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String name) {
        if (name == null) return Optional.empty();
        for (Role r : values()) {
            if (r.wireName().equals(name.toLowerCase(Locale.ROOT))) return Optional.of(r);
        }
        return Optional.empty();
    }

    public static Role max(Role a, Role b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.atLeast(b) ? a : b;
    }
}
