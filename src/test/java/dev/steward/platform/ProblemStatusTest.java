package dev.steward.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import org.junit.jupiter.api.Test;

class ProblemStatusTest {
    @Test
    void everyKindOfProblemHasItsStatus() {
        for (Class<?> kind : Problem.class.getPermittedSubclasses()) {
            assertTrue(ErrorMappers.STATUS.containsKey(kind), kind + " has no HTTP status");
        }
        assertEquals(Problem.class.getPermittedSubclasses().length, ErrorMappers.STATUS.size());
    }

    @Test
    void aRowThatAConcurrentTransactionChangedOrDeletedIsAConflictNotABug() {
        var lost = new jakarta.transaction.TransactionalException("rolled back",
                new jakarta.persistence.OptimisticLockException("Row was updated or deleted by another transaction"));
        assertEquals(409, ErrorMappers.status(ErrorMappers.known(lost)));
        assertEquals(409, ErrorMappers.status(ErrorMappers.known(new org.hibernate.StaleObjectStateException("Deployment", "id"))));
    }

    @Test
    void aProblemCarriesPrefectsDetail() {
        NotFound notFound = new NotFound("Flow run not found");
        assertEquals(404, ErrorMappers.status(notFound));
        assertEquals("\"Flow run not found\"", notFound.detail().toString());

        InvalidInput invalid = InvalidInput.field("state.type", "Input should be 'RUNNING'");
        assertEquals(422, ErrorMappers.status(invalid));
        assertEquals("[\"body\",\"state\",\"type\"]", invalid.errors().get(0).get("loc").toString());
        assertEquals("body.state.type: Input should be 'RUNNING'", invalid.summary());
    }
}
