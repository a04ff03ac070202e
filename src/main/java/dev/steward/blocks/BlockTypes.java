package dev.steward.blocks;

import dev.steward.access.TenantScope;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Block types and their schemas in the current workspace (Hibernate's tenant filter scopes every query). Type
 * changes fire {@code prefect.block-type.*}; schemas are immutable and have no events, as in Prefect.
 */
@ApplicationScoped
public class BlockTypes {
    /**
     * The types Prefect's server installs as protected (Webhook, Secret, LocalFileSystem): a workspace gets them as
     * its client first registers them, and then they cannot be deleted, nor their schemas.
     */
    static final Set<String> PROTECTED_SLUGS = Set.of("webhook", "secret", "local-file-system");

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Transactional
    public BlockType create(BlockTypeDocument.Create create) {
        if (findBySlug(create.slug()).isPresent() || findByName(create.name()).isPresent()) {
            throw new Conflict("Block type with name \"" + create.name() + "\" already exists");
        }
        BlockType t = new BlockType(create.name(), create.slug(), PROTECTED_SLUGS.contains(create.slug()), Instant.now());
        create.presentation().applyTo(t);
        em.persist(t);
        em.flush();
        changes.fire(LifecycleChange.created(t.getWorkspaceId(), "prefect", "block-type", t.getId(), t.getName(),
                BlockTypeDocument.write(t), BlockTypeDocument.eventPayload(t)));
        return t;
    }

    @Transactional
    public BlockType get(UUID id) {
        return Optional.ofNullable(em.find(BlockType.class, id)).orElseThrow(() -> new NotFound("Block type not found"));
    }

    @Transactional
    public BlockType getBySlug(String slug) {
        return findBySlug(slug).orElseThrow(() -> new NotFound("Block type not found"));
    }

    /** Prefect's read_block_types: by name, filtered by type and by schema (a type with a matching schema). */
    @Transactional
    public List<BlockType> list(JsonObject typeFilter, JsonObject schemaFilter, int offset, int limit) {
        Where where = new Where();
        where.and(BlockFilter.types(Body.of(typeFilter), where, "t"));
        if (!schemaFilter.isEmpty()) {
            where.and("exists (select 1 from BlockSchema s where s.blockTypeId = t.id and "
                    + BlockFilter.schemas(Body.of(schemaFilter), where, "s") + ")");
        }
        return where.bind(em.createQuery("select t from BlockType t" + where.clause() + " order by t.name, t.id",
                BlockType.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /** Applies the presentation fields sent; a type whose fields would not change is left alone, as Prefect does. */
    @Transactional
    public void update(UUID id, BlockTypeDocument.Presentation update) {
        BlockType t = get(id);
        if (!update.changes(t)) return;
        JsonObject before = BlockTypeDocument.write(t);
        update.applyTo(t);
        t.touch(Instant.now());
        em.flush();
        changes.fire(LifecycleChange.updated(t.getWorkspaceId(), "prefect", "block-type", t.getId(), t.getName(),
                before, BlockTypeDocument.write(t), BlockTypeDocument.eventPayload(t)));
    }

    /** Deletes a type with its schemas and documents (the database cascades); protected types cannot be. */
    @Transactional
    public void delete(UUID id) {
        BlockType t = get(id);
        if (t.isProtected()) throw new Forbidden("protected block types cannot be deleted.");
        JsonObject before = BlockTypeDocument.write(t);
        em.remove(t);
        em.flush();
        changes.fire(LifecycleChange.deleted(t.getWorkspaceId(), "prefect", "block-type", t.getId(), t.getName(),
                before, BlockTypeDocument.eventPayload(t)));
    }

    /**
     * Prefect's create_block_schema: the schema with the same checksum and version if there is one ({@code existing}
     * true: the route answers 200 instead of 201), else a new one. A schema that nests blocks
     * ({@code block_schema_references}) needs their types registered first (409 otherwise, as Prefect answers).
     */
    @Transactional
    public SchemaCreated createSchema(BlockSchemaDocument.Create create) {
        BlockType type = Optional.ofNullable(em.find(BlockType.class, create.blockTypeId()))
                .orElseThrow(() -> new NotFound("Block type " + create.blockTypeId() + " not found."));
        String checksum = SchemaChecksum.of(create.fields());
        Optional<BlockSchema> existing = findSchema(checksum, create.version());
        if (existing.isPresent()) return new SchemaCreated(existing.get(), true);
        if (create.fields().get("block_schema_references") instanceof JsonObject references) {
            for (Map.Entry<String, JsonValue> reference : references.entrySet()) {
                List<JsonValue> entries = reference.getValue() instanceof jakarta.json.JsonArray a ? a : List.of(reference.getValue());
                for (JsonValue entry : entries) {
                    if (entry instanceof JsonObject o && o.get("block_type_slug") instanceof JsonString slug
                            && findBySlug(slug.getString()).isEmpty()) {
                        throw new Conflict("Cannot create block schema because block type '" + slug.getString()
                                + "' was not found.Did you forget to register the block type?");
                    }
                }
            }
        }
        BlockSchema s = new BlockSchema(type.getId(), checksum, create.version(), create.fields().toString(),
                create.capabilities(), Instant.now());
        em.persist(s);
        em.flush();
        return new SchemaCreated(s, false);
    }

    public record SchemaCreated(BlockSchema schema, boolean existing) {}

    @Transactional
    public BlockSchema getSchema(UUID id) {
        return Optional.ofNullable(em.find(BlockSchema.class, id)).orElseThrow(() -> new NotFound("Block schema not found"));
    }

    /** The newest schema with this checksum, of this version when one is given. */
    @Transactional
    public BlockSchema getSchemaByChecksum(String checksum, String version) {
        return findSchema(checksum, version).orElseThrow(() -> new NotFound("Block schema not found"));
    }

    /** Prefect's read_block_schemas: newest first. */
    @Transactional
    public List<BlockSchema> listSchemas(JsonObject schemaFilter, int offset, int limit) {
        Where where = new Where();
        where.and(BlockFilter.schemas(Body.of(schemaFilter), where, "s"));
        return where.bind(em.createQuery("select s from BlockSchema s" + where.clause() + " order by s.created desc, s.id",
                BlockSchema.class)).setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Transactional
    public void deleteSchema(UUID id) {
        BlockSchema s = getSchema(id);
        if (get(s.getBlockTypeId()).isProtected()) {
            throw new Forbidden("Block schemas for protected block types cannot be deleted.");
        }
        em.remove(s);
    }

    /** Every capability some schema of the workspace declares. */
    @Transactional
    @SuppressWarnings("unchecked") // a native query's rows are untyped; this one selects text
    public List<String> capabilities() {
        // the database unnests and dedupes: no schema is loaded to read its capabilities
        return em.createNativeQuery("select distinct c from block_schema, unnest(capabilities) c "
                        + "where workspace_id = ?1 order by c", String.class)
                .setParameter(1, TenantScope.workspaceId()).getResultList();
    }

    /** A schema with its type, as the routes answer it. */
    @Transactional
    public JsonObject writeSchema(BlockSchema s) {
        return BlockSchemaDocument.write(s, get(s.getBlockTypeId()));
    }

    Optional<BlockType> findBySlug(String slug) {
        return em.createQuery("select t from BlockType t where t.slug = :slug", BlockType.class)
                .setParameter("slug", slug).getResultStream().findFirst();
    }

    private Optional<BlockType> findByName(String name) {
        return em.createQuery("select t from BlockType t where t.name = :name", BlockType.class)
                .setParameter("name", name).getResultStream().findFirst();
    }

    private Optional<BlockSchema> findSchema(String checksum, String version) {
        String jpql = "select s from BlockSchema s where s.checksum = :checksum"
                + (version == null ? "" : " and s.version = :version") + " order by s.created desc";
        var query = em.createQuery(jpql, BlockSchema.class).setParameter("checksum", checksum);
        if (version != null) query.setParameter("version", version);
        return query.setMaxResults(1).getResultStream().findFirst();
    }

    static JsonObject fieldsOf(BlockSchema s) {
        return Json.parseObject(s.getFields());
    }
}
