package dev.steward.automations;

import dev.steward.platform.Body;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Automations of the current workspace (Hibernate's tenant filter scopes every JPA query; the related-resource SQL
 * names the workspace itself). The REST API and the console both call this; each change fires a
 * {@link LifecycleChange} ({@code prefect.automation.created|updated|deleted}, the automation as payload) inside its
 * transaction. An automation is related to the deployments its run-deployment actions select and to the resource
 * that owns it; deleting a deployment deletes the automations it owns, in the deployment's transaction.
 */
@ApplicationScoped
public class AutomationService {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    /** A page request: the filter (Prefect's AutomationFilter JSON), sort, offset and limit (null: all). */
    public record Page(JsonObject filter, AutomationSort sort, int offset, Integer limit) {}

    @Transactional
    public Automation create(AutomationDocument.Create create) {
        Automation a = new Automation(create.definition(), Instant.now());
        em.persist(a);
        em.flush();
        relate(a, create.definition(), create.ownerResource());
        changes.fire((LifecycleChange.created(a.getWorkspaceId(), "prefect", "automation", a.getId(),
                a.getName(), AutomationDocument.write(a), AutomationDocument.write(a))));
        return a;
    }

    @Transactional
    public Automation get(UUID id) {
        return Optional.ofNullable(em.find(Automation.class, id))
                .orElseThrow(() -> new NotFound("Automation not found"));
    }

    @Transactional
    public List<Automation> list(Page page) {
        return new AutomationFilter(Body.of(page.filter())).page(em, page.sort(), page.offset(), page.limit());
    }

    @Transactional
    public long count(JsonObject filter) {
        return new AutomationFilter(Body.of(filter)).count(em);
    }

    /**
     * Prefect's PUT: the whole definition replaced; the owner stays. The trigger's ids are new (as Prefect resets
     * them), so what the evaluator kept for the old ones (windows, children's firings, metric states) goes.
     */
    @Transactional
    public Automation replace(UUID id, AutomationDocument.Definition definition) {
        Automation a = get(id);
        JsonObject before = AutomationDocument.write(a);
        a.define(definition, Instant.now());
        em.flush();
        for (String table : List.of("automation_bucket", "automation_child_firing", "automation_metric_state")) {
            em.createNativeQuery("delete from " + table + " where automation_id = ?1").setParameter(1, a.getId())
                    .executeUpdate();
        }
        relate(a, definition, null);
        fireUpdated(a, before);
        return a;
    }

    /** Prefect's PATCH: enabled or not, the result validated as a whole (e.g. a loop a disabled one may hold). */
    @Transactional
    public Automation setEnabled(UUID id, boolean enabled) {
        Automation a = get(id);
        JsonObject before = AutomationDocument.write(a);
        RunDeploymentLoops.refuse(AutomationDocument.definition(a).withEnabled(enabled));
        a.setEnabled(enabled, Instant.now());
        em.flush();
        fireUpdated(a, before);
        return a;
    }

    @Transactional
    public void delete(UUID id) {
        remove(get(id));
    }

    /** Prefect's {@code related-to}: the automations that select or are owned by the resource. */
    @Transactional
    public List<Automation> relatedTo(String resourceId) {
        return em.createQuery("select a from Automation a where a.id in (select r.automationId from "
                        + "AutomationRelatedResource r where r.resourceId = :resource) order by a.name, a.id",
                Automation.class).setParameter("resource", resourceId).getResultList();
    }

    /** Prefect's {@code owned-by} delete: the automations the resource owns, created before now. */
    @Transactional
    public int deleteOwnedBy(String resourceId) {
        List<Automation> owned = em.createQuery("select a from Automation a where a.created <= :now and a.id in "
                        + "(select r.automationId from AutomationRelatedResource r where r.resourceId = :resource "
                        + "and r.ownedByResource = true)", Automation.class)
                .setParameter("resource", resourceId).setParameter("now", Instant.now()).getResultList();
        owned.forEach(this::remove);
        return owned.size();
    }

    /** A deployment's deletion takes the automations it owns with it, in the same transaction. */
    void deploymentDeleted(@Observes LifecycleChange change) {
        if (change.action() != LifecycleChange.Action.DELETED || !"deployment".equals(change.kind())
                || !"prefect".equals(change.namespace())) {
            return;
        }
        deleteOwnedBy(change.resourceId()); // under the deletion's admission, in its transaction
    }

    private void remove(Automation a) {
        JsonObject before = AutomationDocument.write(a);
        em.createQuery("delete from AutomationRelatedResource r where r.automationId = :id")
                .setParameter("id", a.getId()).executeUpdate();
        em.remove(a);
        em.flush();
        changes.fire((LifecycleChange.deleted(a.getWorkspaceId(), "prefect", "automation", a.getId(),
                a.getName(), before, before)));
    }

    private void fireUpdated(Automation a, JsonObject before) {
        JsonObject after = AutomationDocument.write(a);
        changes.fire((LifecycleChange.updated(a.getWorkspaceId(), "prefect", "automation", a.getId(),
                a.getName(), before, after, after)));
    }

    /**
     * Prefect's _sync_automation_related_resources: the deployments selected by run-deployment actions are related
     * (not owned); a relation that owns is kept through every update.
     */
    private void relate(Automation a, AutomationDocument.Definition d, String ownerResource) {
        em.createQuery("delete from AutomationRelatedResource r where r.automationId = :id "
                        + "and r.resourceId like 'prefect.deployment.%' and r.ownedByResource = false")
                .setParameter("id", a.getId()).executeUpdate();
        Set<String> selected = new LinkedHashSet<>();
        for (UUID deployment : Action.selectedDeploymentIds(d.actions())) {
            selected.add("prefect.deployment." + deployment);
        }
        for (String resource : selected) relateTo(a, resource, false);
        if (ownerResource != null) relateTo(a, ownerResource, true);
    }

    private void relateTo(Automation a, String resourceId, boolean owned) {
        AutomationRelatedResource existing = em.find(AutomationRelatedResource.class,
                new AutomationRelatedResource.Key(a.getId(), resourceId));
        if (existing == null) {
            em.persist(new AutomationRelatedResource(a.getId(), resourceId, owned));
        } else if (owned) {
            existing.own();
        }
    }
}
