package dev.steward.blocks;

import dev.steward.access.Role;
import dev.steward.access.TenantScope;
import dev.steward.audit.AuditTrail;
import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.Problem.Rejected;
import dev.steward.platform.Where;
import dev.steward.secrets.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Block documents of the current workspace, with Prefect's rules for references, anonymous documents and secrets.
 *
 * <p>Secrets: every value at a path the schema lists in {@code secret_fields} is sealed by {@link SecretCipher} before
 * it is stored, bound to the document and the path. An answer shows them masked unless the caller asks for
 * {@code include_secrets}, which needs the developer role and writes an audit record per document whose secrets it
 * opens. Events and audit before/after are built from the masked document only.
 */
@ApplicationScoped
public class BlockDocuments {
    /** Prefect's limit on the depth of nested references. */
    static final int MAX_DEPTH = 50;
    /** The audit action of a read that opened a document's secrets. */
    public static final String SECRETS_READ = "steward.block-document.secrets-read";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    @Inject
    AuditTrail audit;

    @Inject
    SecretCipher cipher;

    @Inject
    BlockTypes types;

    /** A page request: Prefect's three filters, the sort, offset and limit. */
    public record Page(JsonObject documents, JsonObject types, JsonObject schemas, BlockDocumentSort sort, int offset,
                       int limit) {}

    @Transactional
    public BlockDocument create(BlockDocumentDocument.Create create) {
        BlockType type = types.get(create.blockTypeId());
        BlockSchema schema = schemaOf(create.blockSchemaId(), type);
        if (create.name() != null && findByName(type.getId(), create.name()).isPresent()) {
            throw new Conflict("Block already exists");
        }
        String name = create.name() != null ? create.name() : "anonymous-" + UUID.randomUUID();
        BlockDocument d = new BlockDocument(UUID.randomUUID(), type, schema.getId(), name, create.anonymous(),
                Instant.now());
        Split split = split(create.data());
        d.setSealedData(seal(d, split.data(), schema).toString());
        em.persist(d);
        em.flush();
        split.references().forEach((field, target) -> addReference(d, field, target));
        fire(d, null, Action.CREATED);
        return d;
    }

    /** The document as Prefect answers it; with secrets only for a developer or above, and audited. */
    @Transactional
    public JsonObject read(UUID id, boolean includeSecrets) {
        return write(get(id), includeSecrets);
    }

    @Transactional
    public JsonObject readByName(String typeSlug, String name, boolean includeSecrets) {
        BlockType type = types.getBySlug(typeSlug);
        return write(findByName(type.getId(), name).orElseThrow(BlockDocuments::notFound), includeSecrets);
    }

    /** The named documents of one type (anonymous ones left out), by name. */
    @Transactional
    public List<JsonObject> listForType(String typeSlug, boolean includeSecrets) {
        BlockType type = types.getBySlug(typeSlug);
        JsonObject filter = Json.createObjectBuilder()
                .add("block_type_id", Json.createObjectBuilder().add("any_", Json.createArrayBuilder().add(type.getId().toString())))
                .build();
        return list(new Page(filter, JsonValue.EMPTY_JSON_OBJECT, JsonValue.EMPTY_JSON_OBJECT, BlockDocumentSort.NAME_ASC,
                0, Integer.MAX_VALUE), includeSecrets);
    }

    @Transactional
    public List<JsonObject> list(Page page, boolean includeSecrets) {
        if (includeSecrets) requireSecretsRole();
        Where where = BlockFilter.forDocuments(Body.of(page.documents()), Body.of(page.types()), Body.of(page.schemas()));
        List<BlockDocument> found = where.bind(em.createQuery("select d from BlockDocument d" + where.clause()
                        + " order by " + page.sort().jpql, BlockDocument.class))
                .setFirstResult(page.offset()).setMaxResults(page.limit()).getResultList();
        List<JsonObject> out = new ArrayList<>(found.size());
        for (BlockDocument d : found) out.add(write(d, includeSecrets));
        return out;
    }

    @Transactional
    public long count(JsonObject documents, JsonObject types, JsonObject schemas) {
        Where where = BlockFilter.forDocuments(Body.of(documents), Body.of(types), Body.of(schemas));
        return where.bind(em.createQuery("select count(d) from BlockDocument d" + where.clause(), Long.class))
                .getSingleResult();
    }

    /**
     * Prefect's update_block_document: with {@code merge_existing_data} (the default) the data's top-level fields
     * are merged into the stored ones, else they replace them; a secret sent back masked keeps its stored value;
     * references are those the new data holds; a new schema must be of the same type.
     */
    @Transactional
    public void update(UUID id, BlockDocumentDocument.Update update) {
        BlockDocument d = get(id);
        JsonObject before = audited(write(d, false));
        if (update.data() != null) {
            BlockSchema current = types.getSchema(d.getBlockSchemaId());
            JsonObject stored = open(d).data();
            JsonObject sent = SecretFields.of(BlockTypes.fieldsOf(current)).keepMasked(update.data(), stored);
            JsonObject data = sent;
            if (update.mergeExistingData()) {
                Map<String, JsonValue> merged = new LinkedHashMap<>(stored);
                merged.putAll(sent);
                data = Json.createObjectBuilder(merged).build();
            }
            BlockSchema schema = current;
            if (update.blockSchemaId() != null && !update.blockSchemaId().equals(d.getBlockSchemaId())) {
                schema = types.getSchema(update.blockSchemaId());
                if (!schema.getBlockTypeId().equals(d.getBlockTypeId())) {
                    throw new Rejected("Must migrate block document to a block schema of the same block type.");
                }
                d.setBlockSchemaId(schema.getId());
            }
            Split split = split(data);
            d.setSealedData(seal(d, split.data(), schema).toString());
            List<BlockDocumentReference> existing = references(d.getId());
            for (BlockDocumentReference r : existing) {
                if (!r.getReferenceId().equals(split.references().get(r.getName()))) em.remove(r);
            }
            em.flush();
            split.references().forEach((field, target) -> {
                boolean kept = existing.stream().anyMatch(r -> r.getName().equals(field) && r.getReferenceId().equals(target));
                if (!kept) addReference(d, field, target);
            });
        }
        d.touch(Instant.now());
        em.flush();
        fire(d, before, Action.UPDATED);
    }

    @Transactional
    public void delete(UUID id) {
        BlockDocument d = get(id);
        JsonObject before = audited(write(d, false));
        fire(d, before, Action.DELETED);
        em.remove(d);
        em.flush();
    }

    private BlockDocument get(UUID id) {
        return Optional.ofNullable(em.find(BlockDocument.class, id)).orElseThrow(BlockDocuments::notFound);
    }

    private BlockSchema schemaOf(UUID schemaId, BlockType type) {
        BlockSchema schema = Optional.ofNullable(em.find(BlockSchema.class, schemaId))
                .orElseThrow(() -> new NotFound("Block schema not found"));
        if (!schema.getBlockTypeId().equals(type.getId())) {
            throw InvalidInput.field("block_schema_id", "The block schema is not a schema of the block type");
        }
        return schema;
    }

    private Optional<BlockDocument> findByName(UUID typeId, String name) {
        return em.createQuery("select d from BlockDocument d where d.blockTypeId = :type and d.name = :name",
                        BlockDocument.class)
                .setParameter("type", typeId).setParameter("name", name).getResultStream().findFirst();
    }

    private List<BlockDocumentReference> references(UUID parentId) {
        return em.createQuery("select r from BlockDocumentReference r where r.parentId = :parent order by r.name",
                BlockDocumentReference.class).setParameter("parent", parentId).getResultList();
    }

    /** The data without its reference fields, and those fields' targets. */
    private record Split(JsonObject data, Map<String, UUID> references) {}

    private static Split split(JsonObject data) {
        JsonObjectBuilder rest = Json.createObjectBuilder();
        Map<String, UUID> references = new LinkedHashMap<>();
        data.forEach((key, value) -> {
            if (BlockDocumentDocument.isReference(value)) {
                references.put(key, BlockDocumentDocument.referenceTarget(key, value.asJsonObject()));
            } else {
                rest.add(key, value);
            }
        });
        return new Split(rest.build(), references);
    }

    private void addReference(BlockDocument parent, String field, UUID target) {
        if (em.find(BlockDocument.class, target) == null) {
            throw new Rejected("Block document " + target + " referenced in key " + field + " not found.");
        }
        if (wouldFormCycle(parent.getId(), target)) {
            throw new Rejected("Cannot create block document reference: it would introduce a cycle into the "
                    + "block_document_reference graph (parent=" + parent.getId() + ", reference=" + target + ").");
        }
        em.persist(new BlockDocumentReference(parent.getId(), field, target, Instant.now()));
        em.flush();
    }

    /** Whether {@code parent} is reachable from {@code target} (or is it): a reference to it would close a cycle. */
    private boolean wouldFormCycle(UUID parent, UUID target) {
        Set<UUID> seen = new HashSet<>();
        Deque<UUID> todo = new ArrayDeque<>(List.of(target));
        while (!todo.isEmpty()) {
            UUID current = todo.pop();
            if (current.equals(parent)) return true;
            if (seen.add(current)) references(current).forEach(r -> todo.push(r.getReferenceId()));
        }
        return false;
    }

    // --- secrets -------------------------------------------------------------------------------------------------

    private static String context(BlockDocument d, List<String> key) {
        return "block-document:" + d.getId() + ":" + String.join(".", key);
    }

    /**
     * {@code data} with each secret value sealed; a value elsewhere that looks sealed is refused. Sealed and opened in
     * the current workspace: a new document's own is set only as Hibernate persists it.
     */
    private JsonObject seal(BlockDocument d, JsonObject data, BlockSchema schema) {
        SecretFields secrets = SecretFields.of(BlockTypes.fieldsOf(schema));
        SecretFields.flatten(data).forEach((key, value) -> {
            if (value instanceof JsonString s && SecretCipher.isSealed(s.getString())) {
                throw InvalidInput.field("data." + String.join(".", key),
                        "A value may not start as Steward's sealed secrets do");
            }
        });
        return secrets.replaceSecrets(data, (key, value) -> value == JsonValue.NULL ? value
                : Json.createValue(cipher.seal(TenantScope.workspaceId(), value.toString(), context(d, key))));
    }

    /** The stored data with every sealed value opened, and whether it held any. */
    private record Opened(JsonObject data, boolean hadSecrets) {}

    private Opened open(BlockDocument d) {
        Map<List<String>, JsonValue> flat = SecretFields.flatten(Json.parseObject(d.getSealedData()));
        boolean[] sealed = {false};
        flat.replaceAll((key, value) -> {
            if (!(value instanceof JsonString s) || !SecretCipher.isSealed(s.getString())) return value;
            sealed[0] = true;
            return Json.parse(cipher.open(TenantScope.workspaceId(), s.getString(), context(d, key)));
        });
        return new Opened(SecretFields.unflatten(flat), sealed[0]);
    }

    /** The stored data as an answer without secrets shows it: sealed values and the schema's secrets masked. */
    private JsonObject masked(BlockDocument d, BlockSchema schema) {
        Map<List<String>, JsonValue> flat = SecretFields.flatten(Json.parseObject(d.getSealedData()));
        flat.replaceAll((key, value) -> value instanceof JsonString s && SecretCipher.isSealed(s.getString())
                ? Json.createValue(SecretFields.MASK) : value);
        return SecretFields.of(BlockTypes.fieldsOf(schema)).mask(SecretFields.unflatten(flat));
    }

    /** Secret values are the developer's to read, as they are to write. */
    private static void requireSecretsRole() {
        TenantScope.require(Role.DEVELOPER);
    }

    // --- answers -------------------------------------------------------------------------------------------------

    /** The data (with referenced documents inlined) and Prefect's block_document_references of a document. */
    private record Built(JsonObject data, JsonObject references) {}

    private JsonObject write(BlockDocument d, boolean includeSecrets) {
        if (includeSecrets) requireSecretsRole();
        List<BlockDocument> opened = new ArrayList<>();
        Built built = build(d, includeSecrets, 0, opened);
        for (BlockDocument o : opened) {
            audit.record(o.getWorkspaceId(), Instant.now(), SECRETS_READ, "prefect.block-document." + o.getId(),
                    JsonValue.NULL, Json.createObjectBuilder().add("name", o.getName())
                            .add("block_type", o.getBlockTypeName()).add("read_through", d.getId().toString()).build());
        }
        BlockSchema schema = types.getSchema(d.getBlockSchemaId());
        return BlockDocumentDocument.write(d, built.data(), built.references(), types.writeSchema(schema),
                BlockTypeDocument.write(types.get(d.getBlockTypeId())));
    }

    private Built build(BlockDocument d, boolean includeSecrets, int depth, List<BlockDocument> opened) {
        if (depth > MAX_DEPTH) {
            throw new Rejected("Block document reference graph exceeds max depth " + MAX_DEPTH + "; refusing to recurse further.");
        }
        JsonObject own;
        if (includeSecrets) {
            Opened o = open(d);
            own = o.data();
            if (o.hadSecrets()) opened.add(d);
        } else {
            own = masked(d, types.getSchema(d.getBlockSchemaId()));
        }
        JsonObjectBuilder data = Json.createObjectBuilder(own);
        JsonObjectBuilder references = Json.createObjectBuilder();
        for (BlockDocumentReference r : references(d.getId())) {
            BlockDocument child = get(r.getReferenceId());
            Built c = build(child, includeSecrets, depth + 1, opened);
            data.add(r.getName(), c.data());
            references.add(r.getName(), Json.createObjectBuilder().add("block_document", Json.createObjectBuilder()
                    .add("id", child.getId().toString())
                    .add("name", child.getName())
                    .add("block_type", BlockTypeDocument.write(types.get(child.getBlockTypeId())))
                    .add("is_anonymous", child.isAnonymous())
                    .add("block_document_references", c.references())));
        }
        return new Built(data.build(), references.build());
    }

    // --- changes -------------------------------------------------------------------------------------------------

    private enum Action { CREATED, UPDATED, DELETED }

    /**
     * Fires the document's lifecycle change (masked, never a secret). Prefect emits no event for an anonymous
     * document; Steward still audits it.
     */
    private void fire(BlockDocument d, JsonObject before, Action action) {
        JsonObject after = action == Action.DELETED ? null : audited(write(d, false));
        if (d.isAnonymous()) {
            audit.record(d.getWorkspaceId(), Instant.now(), "prefect.block-document." + action.name().toLowerCase(),
                    "prefect.block-document." + d.getId(), before == null ? JsonValue.NULL : before,
                    after == null ? JsonValue.NULL : after);
            return;
        }
        BlockSchema schema = types.getSchema(d.getBlockSchemaId());
        JsonObject shown = after != null ? after : before;
        JsonObject payload = BlockDocumentDocument.eventPayload(d, shown.getJsonObject("data"), schema,
                SecretFields.of(BlockTypes.fieldsOf(schema)).dotted());
        LifecycleChange change = switch (action) {
            case CREATED -> LifecycleChange.created(d.getWorkspaceId(), "prefect", "block-document", d.getId(),
                    d.getName(), after, payload);
            case UPDATED -> LifecycleChange.updated(d.getWorkspaceId(), "prefect", "block-document", d.getId(),
                    d.getName(), before, after, payload);
            case DELETED -> LifecycleChange.deleted(d.getWorkspaceId(), "prefect", "block-document", d.getId(),
                    d.getName(), before, payload);
        };
        changes.fire(change.withResource(JsonValue.EMPTY_JSON_OBJECT, BlockDocumentDocument.eventRelated(d)));
    }

    /** A masked document as its audit record keeps it: without the schema and type, which its ids name. */
    private static JsonObject audited(JsonObject masked) {
        Map<String, JsonValue> kept = new LinkedHashMap<>(masked);
        kept.remove("block_schema");
        kept.remove("block_type");
        return Json.createObjectBuilder(kept).build();
    }

    private static NotFound notFound() {
        return new NotFound("Block document not found");
    }
}
