package dev.steward.variables;

import dev.steward.access.TenantScope;
import dev.steward.access.Workspace;
import dev.steward.platform.Body;
import dev.steward.platform.ErrorMappers;
import dev.steward.platform.Problem;
import dev.steward.testing.RealPostgres;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Prefect's variable filters and workspace partitioning, on real PostgreSQL through Hibernate. */
class VariableQueriesTest {
    static SessionFactory sf;
    static UUID a;
    static UUID b;
    static UUID bVariable;

    @BeforeAll
    static void data() {
        sf = RealPostgres.sessionFactory();
        a = UUID.randomUUID();
        b = UUID.randomUUID();
        sf.inTransaction(s -> {
            s.persist(new Workspace(a, "ws-" + a.toString().substring(0, 8), "A", Instant.now()));
            s.persist(new Workspace(b, "ws-" + b.toString().substring(0, 8), "B", Instant.now()));
        });
        TenantScope.system(a).run(() -> sf.inTransaction(s -> {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            s.persist(new Variable("a-var", "1", List.of("x", "y"), t));
            s.persist(new Variable("b-var", "\"two\"", List.of("y"), t.plusSeconds(1)));
            s.persist(new Variable("c-other", "{\"k\": [1, 2]}", List.of(), t.plusSeconds(2)));
        }));
        bVariable = TenantScope.system(b).supply(() -> sf.fromTransaction(s -> {
            Variable v = new Variable("a-var", "true", List.of("x"), Instant.now());
            s.persist(v);
            return v.getId();
        }));
    }

    private static List<String> names(String filterJson, VariableSort sort, int offset, int limit) {
        return TenantScope.system(a).supply(() -> sf.fromTransaction(s ->
                new VariableFilter(Body.parse(filterJson)).page(s, sort, offset, limit).stream()
                        .map(Variable::getName).toList()));
    }

    private static long count(String filterJson) {
        return TenantScope.system(a).supply(() -> sf.fromTransaction(s -> new VariableFilter(Body.parse(filterJson)).count(s)));
    }

    @Test
    void noFilterListsTheWorkspaceOnlyByName() {
        assertEquals(List.of("a-var", "b-var", "c-other"), names("{}", VariableSort.NAME_ASC, 0, 200));
        assertEquals(3, count("{}"));
    }

    @Test
    void anotherWorkspacesVariableIsInvisibleEvenById() {
        assertNull(TenantScope.system(a).supply(() -> sf.fromTransaction(s -> s.find(Variable.class, bVariable))));
        assertEquals(1L, (long) TenantScope.system(b).supply(() -> sf.fromTransaction(s ->
                s.createQuery("select count(v) from Variable v", Long.class).getSingleResult())));
    }

    @Test
    void nameFilters() {
        assertEquals(List.of("a-var", "b-var"), names("{\"name\": {\"like_\": \"VAR\"}}", VariableSort.NAME_ASC, 0, 200));
        assertEquals(List.of("c-other"), names("{\"name\": {\"any_\": [\"c-other\", \"nope\"]}}", VariableSort.NAME_ASC, 0, 200));
    }

    @Test
    void tagFilters() {
        assertEquals(List.of("a-var", "b-var"), names("{\"tags\": {\"all_\": [\"y\"]}}", VariableSort.NAME_ASC, 0, 200));
        assertEquals(List.of("a-var"), names("{\"tags\": {\"all_\": [\"x\", \"y\"]}}", VariableSort.NAME_ASC, 0, 200));
        assertEquals(List.of("c-other"), names("{\"tags\": {\"is_null_\": true}}", VariableSort.NAME_ASC, 0, 200));
        assertEquals(2, count("{\"tags\": {\"is_null_\": false}}"));
    }

    @Test
    void orOperatorSortAndPaging() {
        assertEquals(List.of("c-other", "a-var"), names(
                "{\"operator\": \"or_\", \"name\": {\"any_\": [\"c-other\"]}, \"tags\": {\"all_\": [\"x\"]}}",
                VariableSort.NAME_DESC, 0, 200));
        assertEquals(List.of("b-var"), names("{}", VariableSort.CREATED_DESC, 1, 1));
    }

    @Test
    void badFiltersAre422() {
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> names("{\"name\": {\"regex_\": \"x\"}}", VariableSort.NAME_ASC, 0, 1))));
        assertEquals(422, ErrorMappers.status(assertThrows(Problem.class, () -> names("{\"id\": {\"any_\": [\"not-a-uuid\"]}}", VariableSort.NAME_ASC, 0, 1))));
    }
}
