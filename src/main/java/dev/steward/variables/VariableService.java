package dev.steward.variables;

import dev.steward.platform.Body;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Variables of the current workspace (Hibernate's tenant filter scopes every query). The REST API and the console
 * both call this; each change fires a {@link LifecycleChange} inside its transaction.
 */
@ApplicationScoped
public class VariableService {
    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    /** A page request: the filter (Prefect's VariableFilter JSON), sort, offset and limit. */
    public record Page(JsonObject filter, VariableSort sort, int offset, int limit) {
        public static Page all(int offset, int limit) {
            return new Page(JsonValue.EMPTY_JSON_OBJECT, VariableSort.NAME_ASC, offset, limit);
        }
    }

    @Transactional
    public Variable create(String name, JsonValue value, List<String> tags) {
        VariableRules.checkName(name);
        String json = VariableRules.checkValue(value);
        if (find(name).isPresent()) {
            throw new Conflict("A variable with the name '" + name + "' already exists.");
        }
        Variable v = new Variable(name, json, tags, Instant.now());
        em.persist(v);
        em.flush();
        JsonObject after = VariableDocument.write(v);
        changes.fire(LifecycleChange.created(v.getWorkspaceId(), "prefect", "variable", v.getId(), v.getName(), after,
                VariableDocument.eventPayload(v)));
        return v;
    }

    @Transactional
    public Variable get(UUID id) {
        return Optional.ofNullable(em.find(Variable.class, id)).orElseThrow(VariableService::notFound);
    }

    @Transactional
    public Variable getByName(String name) {
        return find(name).orElseThrow(VariableService::notFound);
    }

    /** The variable of that name, if any (no exception: one would mark the caller's transaction for rollback). */
    @Transactional
    public Optional<Variable> find(String name) {
        return em.createQuery("select v from Variable v where v.name = :name", Variable.class)
                .setParameter("name", name)
                .getResultStream().findFirst();
    }

    @Transactional
    public List<Variable> list(Page page) {
        return new VariableFilter(Body.parse(page.filter().toString())).page(em, page.sort(), page.offset(), page.limit());
    }

    @Transactional
    public long count(JsonObject filter) {
        return new VariableFilter(Body.parse(filter.toString())).count(em);
    }

    /** Applies the fields present in {@code update} (name, value, tags); absent fields stay as they are. */
    @Transactional
    public Variable update(Variable target, Update update) {
        Variable v = em.contains(target) ? target : get(target.getId());
        JsonObject before = VariableDocument.write(v);
        if (update.name() != null && !update.name().equals(v.getName())) {
            VariableRules.checkName(update.name());
            if (find(update.name()).isPresent()) {
                throw new Conflict("A variable with the name '" + update.name() + "' already exists.");
            }
            v.setName(update.name());
        }
        if (update.value() != null) v.setValue(VariableRules.checkValue(update.value()));
        if (update.tags() != null) v.setTags(update.tags());
        v.touch(Instant.now());
        em.flush();
        changes.fire(LifecycleChange.updated(v.getWorkspaceId(), "prefect", "variable", v.getId(), v.getName(), before,
                VariableDocument.write(v), VariableDocument.eventPayload(v)));
        return v;
    }

    @Transactional
    public void delete(Variable target) {
        Variable v = em.contains(target) ? target : get(target.getId());
        JsonObject before = VariableDocument.write(v);
        JsonObject payload = VariableDocument.eventPayload(v);
        em.remove(v);
        em.flush();
        changes.fire(LifecycleChange.deleted(v.getWorkspaceId(), "prefect", "variable", v.getId(), v.getName(), before,
                payload));
    }

    /** A partial update; null means "leave as it is" (a JSON null value is {@code JsonValue.NULL}). */
    public record Update(String name, JsonValue value, List<String> tags) {}

    private static Problem notFound() {
        return new NotFound("Variable not found.");
    }
}
