package dev.steward.console.blocks;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.HasHelper;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.shared.Registration;
import dev.steward.blocks.SecretFields;
import dev.steward.console.FormProblems;
import dev.steward.console.Problems;
import dev.steward.platform.Json;
import dev.steward.platform.Problem;
import dev.steward.platform.Problem.Conflict;
import dev.steward.platform.Problem.InvalidInput;
import dev.steward.platform.Problem.Rejected;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates or edits a block document from its schema: one input per property ({@link BlockField}), a picker of the
 * workspace's documents for a nested block, the schema's required fields checked before saving. A secret is never
 * sent to the browser: editing shows secret inputs empty, and an input left empty sends the mask back, which the
 * service reads as "keep the stored value". Like the variables form it only collects input; the view saves and hands
 * the service's objections back with {@link #showFailure}.
 */
public class BlockForm extends Dialog {
    private static final jakarta.json.JsonWriterFactory PRETTY =
            Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    /** What the form reads from the workspace: a type's newest schema, the documents a nested block may pick. */
    public interface Source {
        SchemaChoice newestSchema(BlockTypeChoice type);

        List<BlockRow> documentsOf(List<String> blockTypeSlugs);
    }

    private final Source source;
    /** The document being edited (masked, as read), or null for a new one. */
    private final JsonObject existing;
    private final ComboBox<BlockTypeChoice> type = new ComboBox<>("Block type");
    private final TextField name = new TextField("Name");
    private final FormLayout fields = new FormLayout();
    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final FormProblems formProblems = new FormProblems("block-form-error");
    private final Button save = new Button("Save");
    private SchemaChoice schema;

    /** One property's input; {@code component} is also its {@link HasValidation} unless it is a checkbox. */
    private record Input(BlockField field, Component component) {}

    /** A new document: the type chosen here ({@code preselected} may be null). */
    public static BlockForm create(Source source, List<BlockTypeChoice> types, BlockTypeChoice preselected) {
        BlockForm form = new BlockForm(source, null, null);
        form.type.setItems(types);
        form.type.addValueChangeListener(e -> form.useType(e.getValue()));
        if (preselected != null) form.type.setValue(preselected);
        return form;
    }

    /** Editing {@code document} (Prefect's JSON, masked) with the schema it has. */
    public static BlockForm edit(Source source, JsonObject document) {
        JsonObject schemaJson = document.getJsonObject("block_schema");
        SchemaChoice schema = new SchemaChoice(UUID.fromString(schemaJson.getString("id")),
                BlockField.of(schemaJson.getJsonObject("fields")));
        BlockForm form = new BlockForm(source, document, schema);
        form.showFields(schema);
        return form;
    }

    private BlockForm(Source source, JsonObject existing, SchemaChoice schema) {
        this.source = source;
        this.existing = existing;
        this.schema = schema;
        setHeaderTitle(existing == null ? "New block" : "Edit block " + existing.getString("name"));
        setWidth("40rem");
        setCloseOnOutsideClick(false);
        setId("block-form");

        type.setId("block-type");
        type.setItemLabelGenerator(BlockTypeChoice::name);
        type.setRequiredIndicatorVisible(true);
        type.setWidthFull();
        type.setVisible(existing == null);
        name.setId("block-name");
        name.setRequiredIndicatorVisible(true);
        name.setHelperText("Lowercase letters, digits and dashes");
        name.setWidthFull();
        if (existing != null) {
            // Prefect cannot rename a block document
            name.setValue(existing.getString("name"));
            name.setReadOnly(true);
            name.setHelperText(existing.getString("block_type_name"));
        }
        fields.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        fields.setId("block-fields");

        save.setId("save-block");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.setDisableOnClick(true);
        save.addClickListener(e -> {
            try {
                validateAndSave();
            } finally {
                save.setEnabled(true);
            }
        });
        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("cancel-block");
        getFooter().add(cancel, save);
        add(type, name, fields, formProblems.line());
    }

    private void useType(BlockTypeChoice choice) {
        schema = choice == null ? null : source.newestSchema(choice);
        if (choice != null && schema == null) {
            type.setErrorMessage("This block type has no schema yet");
            type.setInvalid(true);
        } else {
            FormProblems.clear(type);
        }
        showFields(schema);
    }

    private void showFields(SchemaChoice shown) {
        fields.removeAll();
        inputs.clear();
        if (shown == null) return;
        JsonObject data = existing == null ? null : existing.getJsonObject("data");
        for (BlockField f : shown.fields()) {
            Component c = input(f, data);
            c.setId("block-field-" + f.key());
            inputs.put(f.key(), new Input(f, c));
            fields.add(c);
        }
    }

    /** The input for a field, filled from the document's (masked) data or the schema's default. */
    private Component input(BlockField f, JsonObject data) {
        JsonValue value = data != null ? data.get(f.key())
                : f.defaultJson() == null ? null : Json.parse(f.defaultJson());
        String help = f.description();
        Component c = switch (f.kind()) {
            case TEXT -> {
                TextField t = new TextField(f.label());
                if (value instanceof JsonString s) t.setValue(s.getString());
                else if (value != null && value != JsonValue.NULL) t.setValue(value.toString());
                yield t;
            }
            case SECRET -> {
                PasswordField p = new PasswordField(f.label());
                // the stored secret stays on the server; the input only ever holds what the user types now
                if (data != null && data.containsKey(f.key()) && data.get(f.key()) != JsonValue.NULL) {
                    help = join("Leave empty to keep the current value", help);
                }
                yield p;
            }
            case INTEGER -> {
                IntegerField i = new IntegerField(f.label());
                if (value instanceof JsonNumber n) i.setValue(n.intValue());
                yield i;
            }
            case NUMBER -> {
                NumberField n = new NumberField(f.label());
                if (value instanceof JsonNumber number) n.setValue(number.doubleValue());
                yield n;
            }
            case BOOLEAN -> new Checkbox(f.label(), value == JsonValue.TRUE);
            case JSON -> {
                TextArea a = new TextArea(f.label());
                a.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
                a.setMinHeight("5rem");
                if (value != null && value != JsonValue.NULL) a.setValue(pretty(value));
                help = join("JSON", help);
                yield a;
            }
            case REFERENCE -> {
                ComboBox<BlockRow> picker = new ComboBox<>(f.label());
                picker.setItems(source.documentsOf(f.blockTypeSlugs()));
                picker.setItemLabelGenerator(r -> r.name() + " (" + r.typeName() + ")");
                String current = referenced(f.key());
                if (current != null) {
                    picker.getListDataView().getItems().filter(r -> r.id().toString().equals(current)).findFirst()
                            .ifPresent(picker::setValue);
                }
                help = join("A " + String.join(" or ", f.blockTypeSlugs()) + " block", help);
                yield picker;
            }
        };
        if (c instanceof HasHelper h && !help.isEmpty()) h.setHelperText(help);
        if (c instanceof HasSize s) s.setWidthFull();
        if (c instanceof HasValue<?, ?> v) {
            v.setRequiredIndicatorVisible(f.required());
            if (c instanceof HasValidation invalid) v.addValueChangeListener(e -> FormProblems.clear(invalid));
        }
        return c;
    }

    /** The id of the document the existing document's field references, or null. */
    private String referenced(String key) {
        if (existing == null || !(existing.get("block_document_references") instanceof JsonObject refs)
                || !(refs.get(key) instanceof JsonObject ref)) return null;
        return ref.getJsonObject("block_document").getString("id", null);
    }

    private static String join(String a, String b) {
        return b == null || b.isEmpty() ? a : a + ". " + b;
    }

    private static String pretty(JsonValue value) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT && value.getValueType() != JsonValue.ValueType.ARRAY) {
            return value.toString();
        }
        StringWriter out = new StringWriter();
        try (var writer = PRETTY.createWriter(out)) {
            writer.write(value);
        }
        return out.toString().strip();
    }

    // --- saving ---------------------------------------------------------------------------------------------------

    /** The Save button's action (package-private for BlockFormTest, which has no browser to click it). */
    void validateAndSave() {
        clearProblems();
        boolean ok = true;
        if (existing == null && type.getValue() == null) {
            FormProblems.mark(type, "Choose a block type");
            ok = false;
        }
        if (existing == null && name.getValue().isBlank()) {
            FormProblems.mark(name, "Enter a name");
            ok = false;
        }
        if (schema == null) return;
        JsonObjectBuilder data = Json.createObjectBuilder();
        if (existing != null) keepUnknownFields(data);
        for (Input input : inputs.values()) {
            try {
                JsonValue value = value(input);
                if (value != null) data.add(input.field().key(), value);
                else if (input.field().required()) throw new IllegalArgumentException("Required");
            } catch (IllegalArgumentException e) {
                if (input.component() instanceof HasValidation v) FormProblems.mark(v, e.getMessage());
                else formProblems.general(input.field().label() + ": " + e.getMessage());
                ok = false;
            }
        }
        if (!ok) return;
        fireEvent(new SaveEvent(this, name.getValue().strip(), type.getValue(), schema.id(), data.build()));
    }

    /**
     * Data fields that the schema does not list (a client may store more) stay as they are: with replaced data they
     * would otherwise be lost. A masked secret among them is kept by the service.
     */
    private void keepUnknownFields(JsonObjectBuilder data) {
        JsonObject references = existing.getJsonObject("block_document_references");
        existing.getJsonObject("data").forEach((key, value) -> {
            if (!inputs.containsKey(key) && !references.containsKey(key)) data.add(key, value);
        });
    }

    /** The input's value for the data, or null to leave the field out; IllegalArgumentException says what is wrong. */
    private JsonValue value(Input input) {
        Component c = input.component();
        if (c instanceof PasswordField p) {
            if (!p.getValue().isEmpty()) return Json.createValue(p.getValue());
            JsonObject data = existing == null ? JsonValue.EMPTY_JSON_OBJECT : existing.getJsonObject("data");
            boolean stored = data.containsKey(input.field().key()) && data.get(input.field().key()) != JsonValue.NULL;
            // the mask tells the service to keep the stored secret; with none stored, leave the field out
            return stored ? Json.createValue(SecretFields.MASK) : null;
        }
        if (c instanceof TextField t) return t.getValue().isEmpty() ? null : Json.createValue(t.getValue());
        if (c instanceof IntegerField i) return i.getValue() == null ? null : Json.createValue(i.getValue());
        if (c instanceof NumberField n) return n.getValue() == null ? null : Json.createValue(n.getValue());
        if (c instanceof Checkbox box) return box.getValue() ? JsonValue.TRUE : JsonValue.FALSE;
        if (c instanceof TextArea a) {
            if (a.getValue().isBlank()) return null;
            try {
                return Json.parse(a.getValue());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Not valid JSON");
            }
        }
        if (c instanceof ComboBox<?> picker) {
            if (picker.getValue() instanceof BlockRow r) return reference(r.id().toString());
            // a picker that could not show what the document holds leaves it as it is: a reference to a document it
            // does not list (an anonymous one), or a nested block the client saved inline rather than by reference
            String current = referenced(input.field().key());
            boolean listed = current != null && picker.getListDataView().getItems()
                    .anyMatch(item -> ((BlockRow) item).id().toString().equals(current));
            if (current != null) return listed ? null : reference(current);
            JsonValue inline = existing == null ? null : existing.getJsonObject("data").get(input.field().key());
            return inline instanceof JsonObject ? inline : null;
        }
        return null;
    }

    private static JsonObject reference(String documentId) {
        return Json.createObjectBuilder().add("$ref", Json.createObjectBuilder().add("block_document_id", documentId))
                .build();
    }

    /**
     * Shows a failed save on the form when the service objected to the input (422, a taken name, a reference it
     * refused); false for any other failure, which the view reports.
     */
    public boolean showFailure(RuntimeException failure) {
        Problem api = Problems.api(failure);
        if (!(api instanceof InvalidInput || api instanceof Conflict || api instanceof Rejected)) return false;
        showProblem(api);
        return true;
    }

    /** Shows the service's objection on the fields it concerns (a 422's data.<key>, the name), the rest below. */
    private void showProblem(Problem e) {
        clearProblems();
        List<Problems.FieldProblem> problems = Problems.fieldProblems(e);
        if (problems.isEmpty()) {
            // the only conflict a create can meet: the type already has a document of this name
            if (e instanceof Conflict && existing == null) FormProblems.mark(name, Problems.message(e));
            else formProblems.general(Problems.message(e));
            return;
        }
        for (Problems.FieldProblem p : problems) {
            String key = p.field().startsWith("data.") ? p.field().substring(5).split("\\.")[0] : null;
            Input input = key == null ? null : inputs.get(key);
            if (p.field().equals("name")) FormProblems.mark(name, p.message());
            else if (input != null && input.component() instanceof HasValidation v) FormProblems.mark(v, p.message());
            else formProblems.general(p.field().isEmpty() ? p.message() : p.field() + ": " + p.message());
        }
    }

    private void clearProblems() {
        List<HasValidation> fields = new ArrayList<>(List.of(type, name));
        inputs.values().forEach(i -> {
            if (i.component() instanceof HasValidation v) fields.add(v);
        });
        formProblems.clear(fields.toArray(HasValidation[]::new));
    }

    /** The user asked to save: for a new document its name, type and schema too. */
    public static class SaveEvent extends ComponentEvent<BlockForm> {
        private final String name;
        private final BlockTypeChoice type;
        private final UUID schemaId;
        private final JsonObject data;

        SaveEvent(BlockForm source, String name, BlockTypeChoice type, UUID schemaId, JsonObject data) {
            super(source, false);
            this.name = name;
            this.type = type;
            this.schemaId = schemaId;
            this.data = data;
        }

        public String name() { return name; }
        public BlockTypeChoice type() { return type; }
        public UUID schemaId() { return schemaId; }
        public JsonObject data() { return data; }
    }

    public Registration addSaveListener(ComponentEventListener<SaveEvent> listener) {
        return addListener(SaveEvent.class, listener);
    }
}
