package dev.steward.it;

import dev.steward.devstack.TestStack;
import java.util.UUID;

/** Creates throw-away workspaces and keys through the admin API, as a platform admin (alice) would. */
final class Workspaces {
    private Workspaces() {}

    static Api admin() {
        TestStack stack = TestStack.get();
        return Api.bearer(stack.appUrl() + "/api/admin", stack.accessToken("alice"));
    }

    /** A new workspace with a unique slug; returns the slug. */
    static String create(String prefix) {
        String slug = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin().post("/workspaces", "{\"slug\":\"" + slug + "\",\"name\":\"" + prefix + " workspace\"}").expect(201);
        return slug;
    }

    static String issueKey(String slug, String role) {
        return admin().post("/workspaces/" + slug + "/api-keys", "{\"name\":\"it " + role + "\",\"role\":\"" + role + "\"}")
                .expect(201).object().getString("key");
    }

    /** The workspace API as a Prefect client sees it, with a key as Bearer. */
    static Api api(String slug, String key) {
        return Api.bearer(TestStack.get().appUrl() + "/api/workspaces/" + slug, key);
    }
}
