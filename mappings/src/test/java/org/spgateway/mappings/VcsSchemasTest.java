package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The published schemas, their examples and the code agree. */
class VcsSchemasTest {
    private static final Path SCHEMAS = Path.of("src/main/resources/org/spgateway/mappings/schema/v1");
    private static final Path EXAMPLES = Path.of("src/main/resources/org/spgateway/mappings/examples/v1");
    private static final Path DOCS = Path.of("../docs/schemas/v1");

    static Stream<Arguments> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.sorted().map(f -> Arguments.of(f.getFileName().toString())).toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleValidatesAgainstItsSchema(String fileName) {
        JsonNode example = GoldenFiles.read(EXAMPLES.resolve(fileName));
        // "<type>.json" or "<type>--<variant>.json"
        String type = fileName.replaceFirst("(--[a-z-]+)?\\.json$", "");
        assertThat(example.get("type").asText()).isEqualTo(type);
        assertThat(VcsSchemas.validate(type, example)).isEmpty();
    }

    @Test
    void everyEventTypeHasASchemaAndAnExample() {
        for (String type : VcsSchemas.EVENT_TYPES) {
            assertThat(SCHEMAS.resolve(type + ".schema.json")).exists();
            assertThat(EXAMPLES.resolve(type + ".json")).exists();
        }
        for (VcsEventType type : VcsEventType.values()) {
            assertThat(VcsSchemas.EVENT_TYPES).contains(type.wireName());
        }
    }

    @Test
    void publishedDocsCopyIsIdenticalToTheBundledSchemas() throws IOException {
        List<String> bundled = names(SCHEMAS);
        assertThat(names(DOCS)).as("files in docs/schemas/v1").isEqualTo(bundled);
        for (String name : bundled) {
            assertThat(Files.readString(DOCS.resolve(name)))
                    .as("docs/schemas/v1/" + name + " must be a copy of the bundled schema; copy it over")
                    .isEqualTo(Files.readString(SCHEMAS.resolve(name)));
        }
    }

    @Test
    void everySchemaDeclaresDraft202012AndItsOwnId() {
        for (String type : VcsSchemas.EVENT_TYPES) {
            JsonNode schema = GoldenFiles.read(SCHEMAS.resolve(type + ".schema.json"));
            assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.get("$id").asText()).endsWith("/v1/" + type + ".schema.json");
            assertThat(schema.at("/properties/type/const").asText()).isEqualTo(type);
        }
    }

    @ParameterizedTest
    @MethodSource("org.spgateway.mappings.ReferralToVcsMapperGoldenTest#cases")
    void mapperOutputValidatesAgainstTheReferralCreatedSchema(Path dir) {
        VcsReferral result = ReferralToVcsMapperGoldenTest.mapCase(dir);
        assertThat(VcsSchemas.validate("referral.created", result.payload())).isEmpty();
    }

    @Test
    void referralCreatedStaysValidWhateverTheConsentModuleWithholds() {
        VcsReferral full = ReferralToVcsMapperGoldenTest.mapCase(Path.of("src/test/resources/referral-created/full"));
        var everythingWithheld = full.payload().deepCopy();
        for (String pointer : full.classification().keySet()) {
            var copy = full.payload().deepCopy();
            remove(copy, pointer);
            assertThat(VcsSchemas.validate("referral.created", copy)).as("without " + pointer).isEmpty();
            remove(everythingWithheld, pointer);
        }
        assertThat(VcsSchemas.validate("referral.created", everythingWithheld)).isEmpty();
    }

    @Test
    void outboundEnvelopesValidateAgainstTheirSchemas() {
        Instant at = Instant.parse("2026-12-01T08:00:00Z");
        assertThat(VcsSchemas.validate("referral.cancelled",
                OutboundVcsEvents.referralCancelled("m-1", "ref-1", at))).isEmpty();
        assertThat(VcsSchemas.validate("consent.withdrawn",
                OutboundVcsEvents.consentWithdrawn("m-2", "ref-1", at))).isEmpty();
    }

    @Test
    void rejectsAnUnknownEventType() {
        assertThat(VcsSchemas.validate("referral.lost", GoldenFiles.JSON.createObjectNode()))
                .singleElement().asString().startsWith("$.type: unknown event type");
    }

    @Test
    void rejectsAReferralCreatedPayloadWithAnUnclassifiedExtraField() {
        JsonNode example = GoldenFiles.read(EXAMPLES.resolve("referral.created.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) example.get("patient")).put("gender", "female");
        assertThat(VcsSchemas.validate("referral.created", example))
                .containsExactly("$.patient.gender: is not a field of this event (check the spelling)");
    }

    private static void remove(com.fasterxml.jackson.databind.node.ObjectNode root, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        ((com.fasterxml.jackson.databind.node.ObjectNode) parent).remove(pointer.substring(slash + 1));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
