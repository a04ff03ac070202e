package dev.steward.artifacts;

import dev.steward.platform.LifecycleChange.Action;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hibernate.query.NativeQuery;

/**
 * The one place that reads and writes artifacts and their keys' collections, under the request's admission
 * (Hibernate's {@code @TenantId}); its one native statement names the workspace first. The rules of "latest" are
 * here: a new version with a key becomes its key's latest; deleting the latest makes the newest remaining version of
 * the key the latest, or deletes the collection when none remains.
 */
final class ArtifactStore {
    private final EntityManager em;

    ArtifactStore(EntityManager em) {
        this.em = em;
    }

    /** A change to a key's collection: the row (for a deletion, as it was), its audited form before, and which. */
    record CollectionChange(ArtifactCollection collection, JsonValue before, Action action) {}

    Optional<Artifact> find(UUID id) {
        return Optional.ofNullable(em.find(Artifact.class, id));
    }

    Optional<ArtifactCollection> latest(String key) {
        return em.createQuery("select a from ArtifactCollection a where a.key = :key", ArtifactCollection.class)
                .setParameter("key", key).getResultStream().findFirst();
    }

    List<Artifact> ofFlowRuns(List<UUID> flowRunIds) {
        return em.createQuery("select a from Artifact a where a.flowRunId in :runs", Artifact.class)
                .setParameter("runs", flowRunIds).getResultList();
    }

    /** Stores a new version; one with a key becomes the key's latest, the collection created or updated. */
    Optional<CollectionChange> add(UUID workspace, Artifact version) {
        em.persist(version);
        if (version.getKey() == null) {
            em.flush();
            return Optional.empty();
        }
        List<ArtifactCollection> locked = lockCollections(List.of(version.getKey()));
        JsonValue before = locked.isEmpty() ? JsonValue.NULL : ArtifactCollectionDocument.audited(locked.get(0));
        // an upsert, not a JPA insert: the first versions of a new key may come at once (mapped tasks), and the
        // second must update what the first inserted rather than fail on the key
        NativeQuery<?> upsert = em.createNativeQuery("""
                        insert into artifact_collection (workspace_id, id, key, latest_id, type, description, data,
                            metadata, flow_run_id, task_run_id, created, updated)
                        values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
                        on conflict (workspace_id, key) do update set latest_id = excluded.latest_id,
                            type = excluded.type, description = excluded.description, data = excluded.data,
                            metadata = excluded.metadata, flow_run_id = excluded.flow_run_id,
                            task_run_id = excluded.task_run_id, updated = excluded.updated
                        returning id, created = updated""").unwrap(NativeQuery.class);
        // typed, so that a null is bound as the column's type
        upsert.setParameter(1, workspace, UUID.class).setParameter(2, UUID.randomUUID(), UUID.class)
                .setParameter(3, version.getKey(), String.class).setParameter(4, version.getId(), UUID.class)
                .setParameter(5, version.getType(), String.class).setParameter(6, version.getDescription(), String.class)
                .setParameter(7, version.getData(), String.class).setParameter(8, version.getMetadata(), String.class)
                .setParameter(9, version.getFlowRunId(), UUID.class).setParameter(10, version.getTaskRunId(), UUID.class)
                .setParameter(11, version.getCreated(), Instant.class);
        Object[] row = (Object[]) upsert.getSingleResult();
        ArtifactCollection collection = em.find(ArtifactCollection.class, row[0]);
        em.refresh(collection); // the row locked above is in this context as it was before the upsert
        // Prefect's test: a row just inserted has created == updated
        return Optional.of(new CollectionChange(collection, before, (Boolean) row[1] ? Action.CREATED : Action.UPDATED));
    }

    /** A PATCH of a version, and of its key's collection when it is the latest (Prefect updates both). */
    void update(Artifact version, ArtifactDocument.Update update, Instant now) {
        version.apply(update, now);
        em.createQuery("select a from ArtifactCollection a where a.latestId = :id", ArtifactCollection.class)
                .setParameter("id", version.getId()).getResultStream().findFirst()
                .ifPresent(latest -> latest.apply(update, now));
        em.flush();
    }

    /**
     * Deletes versions. Each key whose latest was among them gets its newest remaining version (by created) as its
     * latest, or loses its collection when none remains. The collections are locked in key order first, so that two
     * deletions (or a deletion and a new version) of one key are decided one after the other.
     */
    List<CollectionChange> remove(List<Artifact> versions) {
        List<ArtifactCollection> collections = lockCollections(versions.stream().map(Artifact::getKey).toList());
        Set<UUID> removed = new HashSet<>();
        for (Artifact version : versions) {
            removed.add(version.getId());
            em.remove(version);
        }
        em.flush();
        List<CollectionChange> changes = new ArrayList<>();
        for (ArtifactCollection collection : collections) {
            if (!removed.contains(collection.getLatestId())) continue;
            JsonObject before = ArtifactCollectionDocument.audited(collection);
            Optional<Artifact> newest = em.createQuery(
                            "select a from Artifact a where a.key = :key order by a.created desc, a.id desc", Artifact.class)
                    .setParameter("key", collection.getKey()).setMaxResults(1).getResultStream().findFirst();
            if (newest.isPresent()) {
                collection.promote(newest.get());
                changes.add(new CollectionChange(collection, before, Action.UPDATED));
            } else {
                em.remove(collection);
                changes.add(new CollectionChange(collection, before, Action.DELETED));
            }
        }
        em.flush();
        return changes;
    }

    /** The collections of these keys (nulls skipped), locked in key order. */
    private List<ArtifactCollection> lockCollections(List<String> keys) {
        List<String> named = keys.stream().filter(k -> k != null).distinct().toList();
        if (named.isEmpty()) return List.of();
        return em.createQuery("select a from ArtifactCollection a where a.key in :keys order by a.key",
                        ArtifactCollection.class)
                .setParameter("keys", named).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
    }
}
