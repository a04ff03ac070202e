package dev.steward.artifacts;

import dev.steward.access.TenantScope;
import dev.steward.audit.AuditTrail;
import dev.steward.orchestration.FlowRunsDeleted;
import dev.steward.platform.Body;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Artifacts of the current workspace. Prefect 3.9's server emits lifecycle events for a key's collection only
 * ({@code prefect.artifact-collection.created|updated|deleted}, when a version with a key is created or the latest is
 * deleted); {@code prefect.artifact.created|updated} come from Prefect's client, through the events socket, so the
 * server emits none for a version, or two would be stored. A version's creation, update and deletion go to the audit
 * trail, as changes Prefect emits no server event for do.
 */
@ApplicationScoped
public class ArtifactService {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    AuditTrail audit;

    @Transactional
    public Artifact create(ArtifactDocument.Create create) {
        // PostgreSQL keeps microseconds: the version in memory sorts as the one stored
        Artifact version = new Artifact(create, Instant.now().truncatedTo(ChronoUnit.MICROS));
        store().add(TenantScope.workspaceId(), version).ifPresent(this::fire);
        auditVersion(version, "created", JsonValue.NULL, ArtifactDocument.audited(version));
        return version;
    }

    @Transactional
    public Artifact get(UUID id) {
        return store().find(id).orElseThrow(ArtifactService::notFound);
    }

    @Transactional
    public ArtifactCollection latest(String key) {
        return store().latest(key).orElseThrow(ArtifactService::notFound);
    }

    /** {@code /artifacts/filter}: the body's filters, sorted and paged. */
    @Transactional
    public List<Artifact> versions(Body body, ArtifactSort sort, int offset, int limit) {
        return ArtifactFilter.versions(body).page(em, Artifact.class, sort, offset, limit);
    }

    @Transactional
    public long countVersions(Body body) {
        return ArtifactFilter.versions(body).count(em);
    }

    /** {@code /artifacts/latest/filter}: the latest version of each key the body's filters select. */
    @Transactional
    public List<ArtifactCollection> latest(Body body, ArtifactSort sort, int offset, int limit) {
        return ArtifactFilter.latest(body).page(em, ArtifactCollection.class, sort, offset, limit);
    }

    @Transactional
    public long countLatest(Body body) {
        return ArtifactFilter.latest(body).count(em);
    }

    /** Prefect's PATCH: the version and, when it is the latest, its collection (no event, as in Prefect). */
    @Transactional
    public void update(UUID id, ArtifactDocument.Update update) {
        Artifact version = get(id);
        JsonObject before = ArtifactDocument.audited(version);
        store().update(version, update, Instant.now().truncatedTo(ChronoUnit.MICROS));
        auditVersion(version, "updated", before, ArtifactDocument.audited(version));
    }

    @Transactional
    public void delete(UUID id) {
        Artifact version = get(id);
        JsonObject before = ArtifactDocument.audited(version);
        store().remove(List.of(version)).forEach(this::fire);
        auditVersion(version, "deleted", before, JsonValue.NULL);
    }

    /**
     * The artifacts of deleted flow runs go with them, in the deleting transaction, and their keys' collections are
     * repaired (Prefect leaves them to its database vacuum, which emits no event; here the collection events are
     * emitted as for a deletion through the API). The run's deletion is audited; its artifacts are not, one by one.
     */
    void onFlowRunsDeleted(@Observes FlowRunsDeleted deleted) {
        ArtifactStore store = store();
        List<Artifact> versions = store.ofFlowRuns(deleted.flowRunIds());
        if (!versions.isEmpty()) store.remove(versions).forEach(this::fire);
    }

    private void fire(ArtifactStore.CollectionChange change) {
        ArtifactCollection c = change.collection();
        JsonObject payload = ArtifactCollectionDocument.eventPayload(c);
        LifecycleChange lifecycle = switch (change.action()) {
            case CREATED -> LifecycleChange.created(c.getWorkspaceId(), "prefect", "artifact-collection", c.getId(),
                    c.getKey(), ArtifactCollectionDocument.audited(c), payload);
            case UPDATED -> LifecycleChange.updated(c.getWorkspaceId(), "prefect", "artifact-collection", c.getId(),
                    c.getKey(), change.before(), ArtifactCollectionDocument.audited(c), payload);
            case DELETED -> LifecycleChange.deleted(c.getWorkspaceId(), "prefect", "artifact-collection", c.getId(),
                    c.getKey(), change.before(), payload);
        };
        changes.fire(lifecycle.withResource(JsonValue.EMPTY_JSON_OBJECT, ArtifactCollectionDocument.related(c)));
    }

    private void auditVersion(Artifact version, String action, JsonValue before, JsonValue after) {
        audit.record(version.getWorkspaceId(), Instant.now(), "prefect.artifact." + action,
                "prefect.artifact." + version.getId(), before, after);
    }

    private ArtifactStore store() {
        return new ArtifactStore(em);
    }

    private static NotFound notFound() {
        return new NotFound("Artifact not found.");
    }
}
