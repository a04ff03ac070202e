package dev.steward.console.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.console.blocks.BlockField.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a block schema's properties become the form's inputs. */
class BlockFieldTest {
    @Test
    void eachPropertyGetsTheInputOfItsType() {
        List<BlockField> fields = BlockField.of("""
                {"title":"Database","type":"object","required":["host"],"secret_fields":["token","extra.key"],
                 "properties":{
                   "host":{"title":"Host","type":"string","description":"Where it runs"},
                   "port":{"type":"integer","default":5432},
                   "ratio":{"type":"number"},
                   "ssl":{"type":"boolean"},
                   "password":{"type":"string","format":"password","writeOnly":true},
                   "token":{"type":"string"},
                   "maybe":{"anyOf":[{"type":"null"},{"type":"integer"}]},
                   "extra":{"type":"object"},
                   "tags":{"type":"array","items":{"type":"string"}}}}""");
        assertEquals(List.of("host", "port", "ratio", "ssl", "password", "token", "maybe", "extra", "tags"),
                fields.stream().map(BlockField::key).toList());
        // a password-formatted field that secret_fields does not list is not sealed by the service: plain text here,
        // since an empty password input would send the mask, which the service keeps only for secret fields
        assertEquals(List.of(Kind.TEXT, Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN, Kind.TEXT, Kind.SECRET, Kind.INTEGER,
                Kind.JSON, Kind.JSON), fields.stream().map(BlockField::kind).toList());
        assertEquals("Host", fields.get(0).label());
        assertEquals("Where it runs", fields.get(0).description());
        assertEquals(List.of(true, false), List.of(fields.get(0).required(), fields.get(1).required()));
        assertEquals("5432", fields.get(1).defaultJson());
        assertEquals("port", fields.get(1).label(), "no title: the key");
    }

    @Test
    void aNestedBlockIsAPickerOfItsTypesDocuments() {
        List<BlockField> fields = BlockField.of("""
                {"properties":{
                   "credentials":{"$ref":"#/definitions/AwsCredentials"},
                   "optional":{"anyOf":[{"$ref":"#/$defs/Secret"},{"type":"null"}]},
                   "listed":{"type":"object"},
                   "plain":{"allOf":[{"$ref":"#/definitions/Settings"}]}},
                 "definitions":{"AwsCredentials":{"block_type_slug":"aws-credentials","type":"object"},
                                "Settings":{"type":"object"}},
                 "$defs":{"Secret":{"block_type_slug":"secret","type":"object"}},
                 "block_schema_references":{"listed":[{"block_type_slug":"s3"},{"block_type_slug":"gcs"}]}}""");
        assertEquals(List.of(Kind.REFERENCE, Kind.REFERENCE, Kind.REFERENCE, Kind.JSON),
                fields.stream().map(BlockField::kind).toList());
        assertEquals(List.of(List.of("aws-credentials"), List.of("secret"), List.of("s3", "gcs"), List.of()),
                fields.stream().map(BlockField::blockTypeSlugs).toList());
    }
}
