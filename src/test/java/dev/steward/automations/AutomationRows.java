package dev.steward.automations;

import dev.steward.access.Workspace;
import dev.steward.platform.Json;
import dev.steward.platform.Transactions;
import dev.steward.testing.RealPostgres;
import jakarta.json.JsonValue;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The evaluator's rows written straight into real PostgreSQL, for tests of what reads them: workspaces, automations,
 * firings and their action runs; and transactions on that database for the beans under test.
 */
final class AutomationRows {
    static final String WEBHOOK = "{\"type\":\"call-webhook\",\"block_document_id\":\"" + new UUID(0, 1) + "\"}";
    static final String TRIGGER = "{\"type\":\"event\",\"posture\":\"Reactive\",\"expect\":[\"x.ping\"],"
            + "\"match\":{\"prefect.resource.id\":\"x\"}}";

    private AutomationRows() {}

    static SessionFactory sf() {
        return RealPostgres.sessionFactory();
    }

    /** Transactions of the test's database, each handing its session to {@code bind} (a bean's entity manager). */
    static Transactions transactions(Consumer<Session> bind) {
        return new Transactions() {
            @Override
            public <T> T inNew(Supplier<T> work) {
                return sf().fromTransaction(s -> {
                    bind.accept(s);
                    return work.get();
                });
            }
        };
    }

    static UUID workspace(String prefix) {
        UUID id = UUID.randomUUID();
        sf().inTransaction(s -> s.persist(new Workspace(id, prefix + "-" + id.toString().substring(0, 8), prefix,
                Instant.now())));
        return id;
    }

    /** An enabled automation on x.ping events, created at {@code created}. */
    static UUID automation(UUID workspace, String name, Instant created) {
        UUID id = UUID.randomUUID();
        sf().inTransaction(s -> s.createNativeMutationQuery("insert into automation (id, workspace_id, name, "
                        + "description, enabled, tags, trigger, actions, actions_on_trigger, actions_on_resolve, "
                        + "created, updated) values (:id, :ws, :name, '', true, '{}', :trigger, '[]', '[]', '[]', "
                        + ":created, :created)")
                .setParameter("id", id).setParameter("ws", workspace).setParameter("name", name)
                .setParameter("trigger", TRIGGER).setParameter("created", created).executeUpdate());
        return id;
    }

    /** A firing of the automation at {@code at}, on an x.ping event. */
    static UUID firing(UUID workspace, UUID automation, Instant at) {
        UUID id = UUID.randomUUID();
        Firing f = new Firing(id, UUID.randomUUID(), at, Map.of(), Json.createObjectBuilder()
                .add("id", UUID.randomUUID().toString()).add("event", "x.ping").build(), List.of(), JsonValue.NULL);
        sf().inTransaction(s -> s.createNativeMutationQuery("insert into automation_firing (id, workspace_id, "
                        + "automation_id, trigger_id, state, triggered_at, triggering_labels, firing) values (:id, :ws, "
                        + ":a, :t, 'Triggered', :at, '{}', :firing)")
                .setParameter("id", id).setParameter("ws", workspace).setParameter("a", automation)
                .setParameter("t", f.triggerId()).setParameter("at", at).setParameter("firing", f.toJson().toString())
                .executeUpdate());
        return id;
    }

    /**
     * A call-webhook run of the firing, in this status after {@code attempts} attempts, due at {@code due}, claimed
     * until {@code claimedUntil} (null: not claimed), finished at {@code finished} (null: not finished).
     */
    static UUID actionRun(UUID workspace, UUID automation, UUID firing, String status, int attempts, Instant due,
                          Instant claimedUntil, String reason, Instant finished) {
        UUID id = UUID.randomUUID();
        sf().inTransaction(s -> s.createNativeMutationQuery("insert into automation_action_run (id, workspace_id, "
                        + "automation_id, firing_id, action_index, action, automation_triggered_event_id, status, "
                        + "attempts, due_at, claimed_until, reason, finished_at) values (:id, :ws, :a, :f, 0, :action, "
                        + ":e, :status, :attempts, :due, :claimed, :reason, :finished)")
                .setParameter("id", id).setParameter("ws", workspace).setParameter("a", automation)
                .setParameter("f", firing).setParameter("action", WEBHOOK).setParameter("e", UUID.randomUUID())
                .setParameter("status", status).setParameter("attempts", attempts)
                .setParameter("due", Timestamp.from(due))
                .setParameter("claimed", claimedUntil == null ? null : Timestamp.from(claimedUntil), Timestamp.class)
                .setParameter("reason", reason, String.class)
                .setParameter("finished", finished == null ? null : Timestamp.from(finished), Timestamp.class)
                .executeUpdate());
        return id;
    }

    /** One column of one action run. */
    static Object column(UUID run, String column) {
        return sf().fromTransaction(s -> s.createNativeQuery("select " + column
                + " from automation_action_run where id = :id", Object.class).setParameter("id", run)
                .getSingleResultOrNull());
    }
}
