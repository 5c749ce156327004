package org.spgateway.mappings;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code referral-created/<case>/input.json} holds the gateway's ids and the GP's transaction Bundle;
 * {@code expected.json} the full payload, its classification and the contact flag.
 */
class ReferralToVcsMapperGoldenTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();

    static Stream<Arguments> cases() {
        return GoldenFiles.cases("referral-created");
    }

    static VcsReferral mapCase(Path dir) {
        JsonNode input = GoldenFiles.read(dir.resolve("input.json"));
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, input.get("bundle").toString());
        ReferralContext context = ReferralContext.fromBundle(bundle, input.get("referralId").asText(),
                input.get("messageId").asText(), input.get("serviceId").asText(),
                Instant.parse(input.get("createdAt").asText()));
        return new ReferralToVcsMapper().map(context);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mapsReferralBundleToTheExpectedPayloadAndClassification(Path dir) {
        VcsReferral result = mapCase(dir);
        ObjectNode actual = GoldenFiles.JSON.createObjectNode();
        actual.set("payload", result.payload());
        actual.set("classification", GoldenFiles.JSON.valueToTree(result.classification()));
        actual.set("envelope", GoldenFiles.JSON.valueToTree(result.envelope()));
        actual.put("contactingSubjectProhibited", result.contactingSubjectProhibited());
        GoldenFiles.assertMatches(dir, actual);
    }
}
