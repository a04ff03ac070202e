package dev.steward.blocks;

import dev.steward.platform.Body;
import dev.steward.platform.Json;
import dev.steward.platform.Problem.Forbidden;
import dev.steward.platform.Problem.InvalidInput;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Prefect's BlockType document: what a create or update may send, and its JSON (also the lifecycle payload). */
public final class BlockTypeDocument {
    static final List<String> PRESENTATION = List.of("logo_url", "documentation_url", "description", "code_example");
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9-]*$");
    private static final Pattern NAME = Pattern.compile("^[^/%&><]+$");

    private BlockTypeDocument() {}

    /** Prefect's BlockTypeCreate. */
    record Create(String name, String slug, Presentation presentation) {}

    /** The presentation fields a body sent (by wire name; a value may be null); those it left out stay as they are. */
    record Presentation(Map<String, String> sent) {
        void applyTo(BlockType t) {
            sent.forEach((field, value) -> {
                switch (field) {
                    case "logo_url" -> t.setLogoUrl(value);
                    case "documentation_url" -> t.setDocumentationUrl(value);
                    case "description" -> t.setDescription(value);
                    case "code_example" -> t.setCodeExample(value);
                    default -> throw new IllegalArgumentException(field);
                }
            });
        }

        /** Whether applying this would change {@code t} (Prefect updates a type only then, to spare a row lock). */
        boolean changes(BlockType t) {
            JsonObject current = eventPayload(t);
            return sent.entrySet().stream().anyMatch(e -> !Json.orNull(e.getValue()).equals(current.get(e.getKey())));
        }
    }

    static Create readCreate(Body body) {
        body.rejectUnknown(List.of("name", "slug", "logo_url", "documentation_url", "description", "code_example"));
        String name = body.requiredString("name");
        if (!NAME.matcher(name).matches()) {
            throw InvalidInput.field("name", "String should match pattern '^[^/%&><]+$'");
        }
        String slug = body.requiredString("slug");
        if (!SLUG.matcher(slug).matches()) {
            throw InvalidInput.field("slug", "Value error, Block type slug must only contain lowercase letters, numbers, and dashes.");
        }
        // API-created types may not take the names Prefect keeps for its own
        if (name.toLowerCase().startsWith("prefect")) {
            throw new Forbidden("Block type names beginning with 'Prefect' are reserved.");
        }
        return new Create(name, slug, readPresentation(body));
    }

    /** Prefect's BlockTypeUpdate: presentation only (name, slug and protection never change). */
    static Presentation readUpdate(Body body) {
        body.rejectUnknown(PRESENTATION);
        return readPresentation(body);
    }

    private static Presentation readPresentation(Body body) {
        Map<String, String> sent = new HashMap<>();
        for (String field : PRESENTATION) {
            if (body.has(field)) sent.put(field, body.optionalString(field).orElse(null));
        }
        return new Presentation(sent);
    }

    public static JsonObject write(BlockType t) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", t.getId().toString())
                .add("created", t.getCreated().toString())
                .add("updated", t.getUpdated().toString());
        eventPayload(t).forEach(b::add);
        return b.build();
    }

    /** Prefect's BlockTypeEventPayload: name, slug, presentation, protection. */
    static JsonObject eventPayload(BlockType t) {
        return Json.createObjectBuilder()
                .add("name", t.getName())
                .add("slug", t.getSlug())
                .add("logo_url", Json.orNull(t.getLogoUrl()))
                .add("documentation_url", Json.orNull(t.getDocumentationUrl()))
                .add("description", Json.orNull(t.getDescription()))
                .add("code_example", Json.orNull(t.getCodeExample()))
                .add("is_protected", t.isProtected())
                .build();
    }
}
