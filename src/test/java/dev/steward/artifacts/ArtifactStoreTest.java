package dev.steward.artifacts;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange.Action;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of "latest" and Prefect's artifact filters, on real PostgreSQL through Hibernate. */
class ArtifactStoreTest {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static SessionFactory sf;
    static UUID ws;
    static UUID other;
    static UUID runA;
    static UUID runB;

    @BeforeAll
    static void workspaces() {
        sf = RealPostgres.sessionFactory();
        ws = UUID.randomUUID();
        other = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(ws, "art-" + ws.toString().substring(0, 8), "A", Instant.now()));
            s.persist(new Workspace(other, "art-" + other.toString().substring(0, 8), "O", Instant.now()));
        });
        runA = UUID.randomUUID();
        runB = UUID.randomUUID();
        flowRun(runA, "run-alpha");
        flowRun(runB, "run-beta");
    }

    static void flowRun(UUID id, String name) {
        RealPostgres.execute("insert into flow_run (id, workspace_id, flow_id, name, created, updated, body) values ('"
                + id + "', '" + ws + "', '" + UUID.randomUUID() + "', '" + name + "', now(), now(), '{}')");
    }

    static <T> T in(UUID workspace, Function<Session, T> work) {
        return TenantScope.system(workspace).supply(() -> sf.fromTransaction(work));
    }

    /** Stores a version made {@code second}s after T0; the collection change it made, if any. */
    static Artifact add(UUID workspace, String key, String type, String data, UUID flowRun, int second,
                        List<Optional<ArtifactStore.CollectionChange>> changes) {
        Artifact a = new Artifact(new ArtifactDocument.Create(key, type, "about " + key, data, null, flowRun, null),
                T0.plusSeconds(second));
        Optional<ArtifactStore.CollectionChange> change = in(workspace, s -> new ArtifactStore(s).add(workspace, a));
        if (changes != null) changes.add(change);
        return a;
    }

    static Optional<ArtifactCollection> latest(UUID workspace, String key) {
        return in(workspace, s -> new ArtifactStore(s).latest(key));
    }

    static List<ArtifactStore.CollectionChange> remove(UUID workspace, Artifact... versions) {
        return in(workspace, s -> {
            ArtifactStore store = new ArtifactStore(s);
            return store.remove(List.of(versions).stream().map(v -> store.find(v.getId()).orElseThrow()).toList());
        });
    }

    @Test
    void aNewVersionBecomesLatestAndDeletingTheLatestPromotesTheNewestRemaining() {
        var changes = new java.util.ArrayList<Optional<ArtifactStore.CollectionChange>>();
        Artifact v1 = add(ws, "rules", "markdown", "\"one\"", runA, 1, changes);
        Artifact v2 = add(ws, "rules", "markdown", "\"two\"", runA, 2, changes);
        Artifact v3 = add(ws, "rules", "table", "[1,2]", runB, 3, changes);
        assertEquals(List.of(Action.CREATED, Action.UPDATED, Action.UPDATED),
                changes.stream().map(c -> c.orElseThrow().action()).toList());
        ArtifactCollection c = latest(ws, "rules").orElseThrow();
        assertEquals(v3.getId(), c.getLatestId());
        assertEquals("table", c.getType());
        assertEquals(runB, c.getFlowRunId());
        UUID collectionId = c.getId();

        // an older version goes without touching the collection
        assertEquals(List.of(), remove(ws, v1));
        assertEquals(v3.getId(), latest(ws, "rules").orElseThrow().getLatestId());

        // the latest goes: the newest remaining version is the latest, with its fields and times
        List<ArtifactStore.CollectionChange> promoted = remove(ws, v3);
        assertEquals(1, promoted.size());
        assertEquals(Action.UPDATED, promoted.get(0).action());
        assertEquals(v3.getId().toString(), promoted.get(0).before().asJsonObject().getString("latest_id"));
        c = latest(ws, "rules").orElseThrow();
        assertEquals(collectionId, c.getId(), "the key keeps its collection row");
        assertEquals(v2.getId(), c.getLatestId());
        assertEquals("\"two\"", c.getData());
        assertEquals("markdown", c.getType());
        assertEquals(runA, c.getFlowRunId());
        assertEquals(v2.getCreated(), c.getCreated());

        // the last version goes: so does the collection
        List<ArtifactStore.CollectionChange> gone = remove(ws, v2);
        assertEquals(Action.DELETED, gone.get(0).action());
        assertTrue(latest(ws, "rules").isEmpty());
    }

    @Test
    void anArtifactWithoutAKeyHasNoCollection() {
        var changes = new java.util.ArrayList<Optional<ArtifactStore.CollectionChange>>();
        Artifact a = add(ws, null, "result", "{\"x\":1}", null, 1, changes);
        assertTrue(changes.get(0).isEmpty());
        assertEquals(a.getId(), in(ws, s -> new ArtifactStore(s).find(a.getId())).orElseThrow().getId());
        assertEquals(List.of(), remove(ws, a));
    }

    @Test
    void aPatchOfTheLatestUpdatesItsCollectionAndOfAnOlderVersionOnlyThatVersion() {
        Artifact old = add(ws, "progress", "progress", "0.0", runA, 1, null);
        Artifact newest = add(ws, "progress", "progress", "0.0", runA, 2, null);
        Instant later = T0.plusSeconds(60);
        in(ws, s -> {
            ArtifactStore store = new ArtifactStore(s);
            store.update(store.find(newest.getId()).orElseThrow(),
                    new ArtifactDocument.Update(true, "50.0", false, null, true, "{\"a\":\"b\"}"), later);
            store.update(store.find(old.getId()).orElseThrow(),
                    new ArtifactDocument.Update(true, "99.0", true, null, false, null), later);
            return null;
        });
        ArtifactCollection c = latest(ws, "progress").orElseThrow();
        assertEquals("50.0", c.getData());
        assertEquals("about progress", c.getDescription(), "a field the PATCH leaves out stays");
        assertEquals("{\"a\":\"b\"}", c.getMetadata());
        assertEquals(later, c.getUpdated());
        Artifact patchedOld = in(ws, s -> new ArtifactStore(s).find(old.getId())).orElseThrow();
        assertEquals("99.0", patchedOld.getData());
        assertNull(patchedOld.getDescription(), "a null in the PATCH clears the field");
    }

    @Test
    void deletingARunsArtifactsRepairsEachKeyOnce() {
        UUID run = UUID.randomUUID();
        Artifact kept = add(ws, "per-run", "markdown", "\"kept\"", runA, 1, null);
        add(ws, "per-run", "markdown", "\"gone-1\"", run, 2, null);
        add(ws, "per-run", "markdown", "\"gone-2\"", run, 3, null);
        add(ws, "only-run", "markdown", "\"gone\"", run, 4, null);
        List<ArtifactStore.CollectionChange> changes = in(ws, s -> {
            ArtifactStore store = new ArtifactStore(s);
            return store.remove(store.ofFlowRuns(List.of(run)));
        });
        assertEquals(2, changes.size());
        assertEquals(kept.getId(), latest(ws, "per-run").orElseThrow().getLatestId());
        assertTrue(latest(ws, "only-run").isEmpty());
        assertEquals(0L, (long) in(ws, s -> ArtifactFilter.versions(Body.parse(
                "{\"artifacts\":{\"flow_run_id\":{\"any_\":[\"" + run + "\"]}}}")).count(s)));
    }

    @Test
    void anotherWorkspacesKeyIsItsOwn() {
        Artifact mine = add(ws, "shared-key", "markdown", "\"mine\"", null, 1, null);
        Artifact theirs = add(other, "shared-key", "markdown", "\"theirs\"", null, 2, null);
        assertEquals(mine.getId(), latest(ws, "shared-key").orElseThrow().getLatestId());
        assertEquals(theirs.getId(), latest(other, "shared-key").orElseThrow().getLatestId());
        assertTrue(in(ws, s -> new ArtifactStore(s).find(theirs.getId())).isEmpty());
    }

    private static List<String> keys(String body, ArtifactSort sort) {
        return in(ws, s -> ArtifactFilter.versions(Body.parse(body)).page(s, Artifact.class, sort, 0, 200)
                .stream().map(a -> a.getKey() + "@" + a.getType()).toList());
    }

    private static List<String> latestKeys(String body, ArtifactSort sort) {
        return in(ws, s -> ArtifactFilter.latest(Body.parse(body)).page(s, ArtifactCollection.class, sort, 0, 200)
                .stream().map(ArtifactCollection::getKey).toList());
    }

    @Test
    void filtersAndSorts() {
        add(ws, "flt-a", "markdown", "1", runA, 10, null);
        Artifact a2 = add(ws, "flt-a", "table", "2", runA, 11, null);
        add(ws, "flt-b", "link", "3", runB, 12, null);
        add(ws, null, "flt-result", "4", runB, 13, null);
        String flt = "\"key\":{\"like_\":\"FLT\"}";
        assertEquals(List.of("flt-a@markdown", "flt-a@table", "flt-b@link"),
                keys("{\"artifacts\":{" + flt + "}}", ArtifactSort.KEY_ASC).stream().sorted().toList());
        assertEquals(List.of("flt-b@link", "flt-a@table", "flt-a@markdown"),
                keys("{\"artifacts\":{" + flt + "}}", ArtifactSort.CREATED_DESC));
        assertEquals(List.of("flt-a@table"), keys("{\"artifacts\":{" + flt + ",\"type\":{\"any_\":[\"table\"]}}}",
                ArtifactSort.ID_DESC));
        assertEquals(List.of("flt-b@link", "flt-a@markdown"),
                keys("{\"artifacts\":{" + flt + ",\"type\":{\"not_any_\":[\"table\"]}}}", ArtifactSort.CREATED_DESC));
        assertEquals(List.of("null@flt-result"), keys("{\"artifacts\":{\"key\":{\"exists_\":false},"
                + "\"type\":{\"any_\":[\"flt-result\"]}}}", ArtifactSort.ID_DESC));
        assertEquals(List.of(), keys("{\"artifacts\":{\"key\":{\"any_\":[]}}}", ArtifactSort.ID_DESC));
        // or_: either criterion; an empty criterion is TRUE and so makes the whole filter TRUE
        assertEquals(List.of("null@flt-result", "flt-b@link"), keys("{\"artifacts\":{\"operator\":\"or_\","
                + "\"key\":{\"any_\":[\"flt-b\"]},\"type\":{\"any_\":[\"flt-result\"]}}}", ArtifactSort.CREATED_DESC));
        long all = in(ws, s -> ArtifactFilter.versions(Body.parse("{}")).count(s));
        assertEquals(all, (long) in(ws, s -> ArtifactFilter.versions(Body.parse(
                "{\"artifacts\":{\"operator\":\"or_\",\"key\":{\"any_\":[\"flt-b\"]},\"type\":{}}}")).count(s)));
        // the runs' filters: an EXISTS on the artifact's flow run
        assertEquals(List.of("null@flt-result", "flt-b@link"), keys("{\"artifacts\":{\"type\":{\"any_\":"
                + "[\"link\",\"flt-result\",\"table\"]}},\"flow_runs\":{\"name\":{\"any_\":[\"run-beta\"]}}}", ArtifactSort.CREATED_DESC));
        // the latest of each key
        assertEquals(List.of("flt-b", "flt-a"), latestKeys("{\"artifacts\":{" + flt + "}}", ArtifactSort.KEY_DESC));
        assertEquals(List.of("flt-a"), latestKeys("{\"artifacts\":{\"latest_id\":{\"any_\":[\"" + a2.getId() + "\"]}}}",
                ArtifactSort.ID_DESC));
        assertEquals(List.of("flt-a"), latestKeys("{\"artifacts\":{" + flt + "},\"flow_runs\":{\"name\":{\"any_\":"
                + "[\"run-alpha\"]}}}", ArtifactSort.ID_DESC));
    }

    @Test
    void badFiltersAre422() {
        for (String bad : List.of("{\"artifacts\":{\"is_latest\":true}}", "{\"artifacts\":{\"id\":{\"any_\":[\"nope\"]}}}",
                "{\"artifacts\":{\"key\":{\"exists_\":\"yes\"}}}", "{\"artifacts\":{\"operator\":\"xor_\"}}",
                "{\"artifacts\":{\"key\":{\"operator\":\"and_\"}}}", "{\"flow_runs\":{\"nope\":{}}}")) {
            Problem p = assertThrows(Problem.class, () -> in(ws, s -> ArtifactFilter.versions(Body.parse(bad)).count(s)),
                    bad);
            assertEquals(422, ErrorMappers.status(p), bad);
        }
        // the latest's filter names latest_id, not id
        assertThrows(Problem.class, () -> ArtifactFilter.latest(Body.parse("{\"artifacts\":{\"id\":{\"any_\":[]}}}")));
    }

    @Test
    void createAndUpdateBodiesAreReadAsPrefectReadsThem() {
        var create = ArtifactDocument.readCreate(Body.parse("{\"key\":\"k\",\"data\":{\"b\":1.5e300},"
                + "\"metadata_\":{\"m\":\"" + "x".repeat(501) + "\"},\"flow_run_id\":null}"));
        assertEquals(new java.math.BigDecimal("1.5e300"),
                Json.parseObject(create.data()).getJsonNumber("b").bigDecimalValue(), "the number as sent");
        assertEquals("x".repeat(500) + "...", Json.parseObject(create.metadata()).getString("m"));
        assertNull(create.flowRunId());
        for (String bad : List.of("{\"key\":\"Upper\"}", "{\"key\":\"under_score\"}", "{\"metadata_\":{\"m\":1}}",
                "{\"flow_run_id\":\"nope\"}", "{\"id\":\"" + UUID.randomUUID() + "\"}")) {
            assertEquals(422, ErrorMappers.status(assertThrows(Problem.class,
                    () -> ArtifactDocument.readCreate(Body.parse(bad)))), bad);
        }
        var update = ArtifactDocument.readUpdate(Body.parse("{\"data\":null}"));
        assertTrue(update.setsData());
        assertNull(update.data());
        assertFalse(update.setsDescription());
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class,
                () -> ArtifactDocument.readUpdate(Body.parse("{\"key\":\"k\"}")))));
    }
}
