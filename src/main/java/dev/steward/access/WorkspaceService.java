package dev.steward.access;

import dev.steward.platform.Json;
import dev.steward.platform.LifecycleChange;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.NotFound;
import dev.steward.platform.UuidParameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Workspaces, their members, and what role a caller has in one. A user's role is the strongest of an explicit
 * membership and the Keycloak groups {@code /workspaces/<slug>/<role>} the user belongs to; platform admins own all.
 */
@ApplicationScoped
public class WorkspaceService {
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$");
    public static final String GROUP_ROOT = "/workspaces/";

    @PersistenceContext(unitName = "steward")
    EntityManager em;

    @Inject
    Event<LifecycleChange> changes;

    /** Creates a workspace; call it inside {@code TenantScope.system(id)} so its lifecycle event lands there. */
    @Transactional
    public Workspace create(UUID id, String slug, String name) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw InvalidInput.field("slug",
                    "A workspace slug has 1 to 63 lowercase letters, digits or dashes, and starts and ends with a letter or digit");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw InvalidInput.field("name", "A workspace needs a name of 1 to 200 characters");
        }
        if (find(slug).isPresent()) {
            throw new Conflict("A workspace with the slug '" + slug + "' already exists.");
        }
        Workspace ws = new Workspace(id, slug, name.strip(), Instant.now());
        em.persist(ws);
        em.flush();
        changes.fire(LifecycleChange.created(ws.getId(), "steward", "workspace", ws.getId(), ws.getSlug(),
                describe(ws), describe(ws)));
        return ws;
    }

    /**
     * Workspaces found lately, by the slug or id they were asked for: every API request names its workspace, and a
     * workspace's slug and id never change, so a request needs no query for it. Entries are dropped after a minute.
     */
    private final Map<String, Found> recent = new ConcurrentHashMap<>();

    private record Found(Workspace workspace, long at) {}

    private static final long RECENT_MILLIS = 60_000;

    /** By slug or by id, as URLs may carry either. */
    public Optional<Workspace> find(String slugOrId) {
        if (slugOrId == null) return Optional.empty();
        long now = System.currentTimeMillis();
        Found found = recent.get(slugOrId);
        if (found != null && now - found.at() < RECENT_MILLIS) return Optional.of(found.workspace());
        Optional<Workspace> ws = load(slugOrId);
        if (recent.size() > 10_000) recent.clear();
        ws.ifPresent(w -> recent.put(slugOrId, new Found(w, now)));
        return ws;
    }

    private Optional<Workspace> load(String slugOrId) {
        Optional<UUID> id = UuidParameters.parse(slugOrId);
        if (id.isPresent()) return Optional.ofNullable(em.find(Workspace.class, id.get()));
        // what no slug can be (a NUL, say, which PostgreSQL refuses as text) is not looked for
        if (!SLUG.matcher(slugOrId).matches()) return Optional.empty();
        return em.createQuery("select w from Workspace w where w.slug = :slug", Workspace.class)
                .setParameter("slug", slugOrId)
                .getResultStream().findFirst();
    }

    public Workspace require(String slugOrId) {
        return find(slugOrId).orElseThrow(() -> new NotFound("Workspace not found"));
    }

    /** The caller's role in a workspace; empty when the caller may not see it at all. */
    public Optional<Role> roleOf(Caller caller, Workspace ws) {
        if (caller == null) return Optional.empty();
        return switch (caller.kind()) {
            case API_KEY -> ws.getId().equals(caller.apiKeyWorkspaceId()) ? Optional.of(caller.apiKeyRole()) : Optional.empty();
            case SYSTEM -> Optional.of(Role.OWNER);
            case USER -> {
                if (caller.platformAdmin()) yield Optional.of(Role.OWNER);
                Role role = groupRoles(caller).get(ws.getSlug());
                Optional<Member> member = member(ws.getId(), caller.name());
                if (member.isPresent()) role = Role.max(role, member.get().getRole());
                yield Optional.ofNullable(role);
            }
        };
    }

    /** Workspaces a user may open, with the role in each, ordered by slug. */
    public Map<Workspace, Role> visibleTo(Caller caller) {
        Map<Workspace, Role> out = new LinkedHashMap<>();
        for (Workspace ws : em.createQuery("select w from Workspace w order by w.slug", Workspace.class).getResultList()) {
            roleOf(caller, ws).ifPresent(role -> out.put(ws, role));
        }
        return out;
    }

    public Optional<Member> member(UUID workspaceId, String username) {
        return em.createQuery("select m from Member m where m.workspaceId = :ws and m.username = :u", Member.class)
                .setParameter("ws", workspaceId)
                .setParameter("u", username)
                .getResultStream().findFirst();
    }

    @Transactional
    public List<Member> members(UUID workspaceId) {
        return em.createQuery("select m from Member m where m.workspaceId = :ws order by m.username", Member.class)
                .setParameter("ws", workspaceId)
                .getResultList();
    }

    /** Adds a member or changes an existing member's role. */
    @Transactional
    public Member putMember(UUID workspaceId, String username, Role role) {
        if (username == null || username.isBlank() || username.length() > 255) {
            throw InvalidInput.field("username", "A member needs a username of 1 to 255 characters");
        }
        Optional<Member> existing = member(workspaceId, username);
        if (existing.isPresent()) {
            Member m = existing.get();
            JsonObject before = describe(m);
            m.setRole(role);
            changes.fire(LifecycleChange.updated(workspaceId, "steward", "member", m.getId(), username, before,
                    describe(m), describe(m)));
            return m;
        }
        Member m = new Member(workspaceId, username, role, Instant.now());
        em.persist(m);
        changes.fire(LifecycleChange.created(workspaceId, "steward", "member", m.getId(), username, describe(m), describe(m)));
        return m;
    }

    @Transactional
    public void removeMember(UUID workspaceId, String username) {
        Member m = member(workspaceId, username).orElseThrow(() -> new NotFound("Member not found"));
        em.remove(m);
        changes.fire(LifecycleChange.deleted(workspaceId, "steward", "member", m.getId(), username, describe(m), describe(m)));
    }

    /** Roles granted by Keycloak groups, by workspace slug (the strongest when a user is in several). */
    static Map<String, Role> groupRoles(Caller caller) {
        Map<String, Role> roles = new LinkedHashMap<>();
        for (String group : new ArrayList<>(caller.workspaceGroups())) {
            if (!group.startsWith(GROUP_ROOT)) continue;
            String[] parts = group.substring(GROUP_ROOT.length()).split("/");
            if (parts.length != 2) continue;
            Role.parse(parts[1]).ifPresent(r -> roles.merge(parts[0], r, Role::max));
        }
        return roles;
    }

    public static JsonObject describe(Workspace ws) {
        return Json.createObjectBuilder()
                .add("id", ws.getId().toString())
                .add("slug", ws.getSlug())
                .add("name", ws.getName())
                .add("created", ws.getCreated().toString())
                .build();
    }

    public static JsonObject describe(Member m) {
        return Json.createObjectBuilder()
                .add("id", m.getId().toString())
                .add("username", m.getUsername())
                .add("role", m.getRole().wireName())
                .build();
    }
}
