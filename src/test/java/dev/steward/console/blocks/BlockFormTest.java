package dev.steward.console.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import dev.steward.platform.Json;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the edit form sends for secrets: never a stored one, the mask to keep one, nothing where none is stored. */
class BlockFormTest {
    static final BlockForm.Source NOTHING = new BlockForm.Source() {
        @Override
        public SchemaChoice newestSchema(BlockTypeChoice type) {
            return null;
        }

        @Override
        public List<BlockRow> documentsOf(List<String> slugs) {
            return List.of();
        }
    };

    static final JsonObject DOCUMENT = Json.parseObject("""
            {"id":"9b0c7f5e-8d5a-4a57-9d0e-2f7f4b1f1a01","name":"warehouse","block_type_name":"Database",
             "data":{"host":"db","password":"********","extra":"kept"},"block_document_references":{},
             "block_schema":{"id":"0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5","fields":{"required":["host"],
               "secret_fields":["password","token"],
               "properties":{"host":{"type":"string"},"password":{"type":"string"},"token":{"type":"string"}}}}}""");

    @Test
    void anEditSendsTheMaskForAStoredSecretLeftEmptyAndLeavesOutOneNeverStored() {
        BlockForm form = BlockForm.edit(NOTHING, DOCUMENT);
        List<JsonObject> saved = new ArrayList<>();
        form.addSaveListener(e -> saved.add(e.data()));
        assertEquals("", this.<PasswordField>find(form, "block-field-password").getValue(), "no secret in the form");
        assertEquals("", this.<PasswordField>find(form, "block-field-token").getValue());

        form.validateAndSave();
        assertEquals(Json.parseObject("{\"extra\":\"kept\",\"host\":\"db\",\"password\":\"********\"}"), saved.get(0),
                "the mask keeps the stored password; no token is stored, so none is sent; unknown fields stay");

        this.<PasswordField>find(form, "block-field-token").setValue("new-token");
        TextField host = find(form, "block-field-host");
        host.clear();
        form.validateAndSave();
        assertTrue(host.isInvalid(), "the schema requires host");
        assertEquals(1, saved.size(), "nothing saved without it");
        host.setValue("db2");
        form.validateAndSave();
        assertEquals("new-token", saved.get(1).getString("token"));
    }

    @SuppressWarnings("unchecked")
    <T extends Component> T find(Component root, String id) {
        return (T) search(root, id).orElseThrow(() -> new AssertionError("no #" + id));
    }

    private static Optional<Component> search(Component c, String id) {
        if (c.getId().filter(id::equals).isPresent()) return Optional.of(c);
        return c.getChildren().map(child -> search(child, id)).flatMap(Optional::stream).findFirst();
    }
}
