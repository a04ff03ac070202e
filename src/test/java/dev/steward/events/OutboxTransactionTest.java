package dev.steward.events;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.LifecycleChange;
import dev.steward.testing.RealPostgres;
import jakarta.json.Json;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The event is written by the change's own transaction: rolled back together, committed together. */
class OutboxTransactionTest {
    private static long events(SessionFactory sf, UUID ws) {
        return TenantScope.system(ws).supply(() -> sf.fromTransaction(s ->
                s.createQuery("select count(e) from StoredEvent e", Long.class).getSingleResult()));
    }

    @Test
    void rolledBackChangeEmitsNothingCommittedOneIsKept() {
        SessionFactory sf = RealPostgres.sessionFactory();
        UUID ws = UUID.randomUUID();
        EventRecorder recorder = new EventRecorder();
        TenantScope.system(ws).run(() -> {
            var session = sf.openSession();
            var tx = session.beginTransaction();
            recorder.em = session;
            session.persist(new Workspace(ws, "rollback-" + ws.toString().substring(0, 8), "x", Instant.now()));
            recorder.record(LifecycleChange.created(ws, "steward", "workspace", ws, "x", Json.createObjectBuilder().build(),
                    Json.createObjectBuilder().build()));
            session.flush();
            tx.rollback();
            session.close();
        });
        assertEquals(0, events(sf, ws));

        TenantScope.system(ws).run(() -> sf.inTransaction(s -> {
            recorder.em = s;
            s.persist(new Workspace(ws, "commit-" + ws.toString().substring(0, 8), "x", Instant.now()));
            recorder.record(LifecycleChange.created(ws, "steward", "workspace", ws, "x", Json.createObjectBuilder().build(),
                    Json.createObjectBuilder().add("slug", "x").build()));
        }));
        assertEquals(1, events(sf, ws));
        StoredEvent stored = TenantScope.system(ws).supply(() -> sf.fromTransaction(s ->
                s.createQuery("select e from StoredEvent e", StoredEvent.class).getSingleResult()));
        assertEquals("steward.workspace.created", stored.getName());
        assertEquals("prefect.resource.id", Json.createReader(new java.io.StringReader(stored.getResource()))
                .readObject().keySet().iterator().next());
    }
}
