package dev.steward.orchestration;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Flows of the current workspace: upserted by name, as the Prefect client does before every run. */
@ApplicationScoped
public class FlowService {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    /** The flow and whether this call created it. */
    public record Upserted(Flow flow, boolean created) {}

    /**
     * Returns the flow of that name, creating it if there is none. Concurrent first runs of one flow are common, so
     * the insert is an INSERT … ON CONFLICT DO NOTHING: whichever call wins creates it, the others read it.
     */
    @Transactional
    public Upserted upsert(String name, List<String> tags, JsonObject labels) {
        FlowDocument.checkName(name);
        Optional<Flow> existing = findByName(name);
        if (existing.isPresent()) return new Upserted(existing.get(), false);
        Instant now = Instant.now();
        UUID id = UUID.randomUUID();
        UUID workspaceId = TenantScope.workspaceId();
        int inserted = em.createNativeQuery("insert into flow (id, workspace_id, name, tags, labels, created, updated) "
                        + "values (?1, ?2, ?3, cast(?4 as text[]), cast(?5 as jsonb), ?6, ?6) "
                        + "on conflict (workspace_id, name) do nothing")
                .setParameter(1, id).setParameter(2, workspaceId).setParameter(3, name)
                .setParameter(4, pgArray(tags)).setParameter(5, labels.toString()).setParameter(6, now)
                .executeUpdate();
        Flow flow = findByName(name).orElseThrow(() -> new IllegalStateException("flow vanished after insert"));
        if (inserted == 1) {
            changes.fire(LifecycleChange.created(flow.getWorkspaceId(), "prefect", "flow", flow.getId(), flow.getName(),
                    FlowDocument.of(flow), FlowDocument.eventPayload(flow)));
        }
        return new Upserted(flow, inserted == 1);
    }

    @Transactional
    public Flow get(UUID id) {
        return Optional.ofNullable(em.find(Flow.class, id)).orElseThrow(FlowService::notFound);
    }

    @Transactional
    public Flow getByName(String name) {
        return findByName(name).orElseThrow(FlowService::notFound);
    }

    /** The flows that the filters of a {@code /flows/filter} body select. */
    @Transactional
    public List<Flow> list(Body filters, FlowSort sort, int offset, int limit) {
        return new FlowFilter(filters).page(em, sort, offset, limit);
    }

    @Transactional
    public long count(Body filters) {
        return new FlowFilter(filters).count(em);
    }

    @Transactional
    public void updateTags(UUID id, List<String> tags) {
        Flow flow = get(id);
        JsonObject before = FlowDocument.of(flow);
        flow.setTags(tags, Instant.now());
        em.flush();
        changes.fire(LifecycleChange.updated(flow.getWorkspaceId(), "prefect", "flow", flow.getId(), flow.getName(),
                before, FlowDocument.of(flow), FlowDocument.eventPayload(flow)));
    }

    @Transactional
    public void delete(UUID id) {
        Flow flow = get(id);
        JsonObject before = FlowDocument.of(flow);
        JsonObject payload = FlowDocument.eventPayload(flow);
        em.remove(flow);
        em.flush();
        changes.fire(LifecycleChange.deleted(flow.getWorkspaceId(), "prefect", "flow", flow.getId(), flow.getName(),
                before, payload));
    }

    private Optional<Flow> findByName(String name) {
        return em.createQuery("select f from Flow f where f.name = :name", Flow.class)
                .setParameter("name", name).getResultStream().findFirst();
    }

    private static String pgArray(List<String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }

    private static Problem notFound() {
        return new NotFound("Flow not found");
    }
}
