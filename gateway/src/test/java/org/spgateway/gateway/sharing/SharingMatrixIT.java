package org.spgateway.gateway.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spgateway.mappings.ReferralContext;
import org.spgateway.mappings.ReferralToVcsMapper;
import org.spgateway.mappings.VcsReferral;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * No leaks, end to end: a referral carrying every data class of design.md section 3 is sent to each recipient role
 * under several consents, and the payload each service would receive holds a class's fields exactly when the table
 * below (written out here, not read from the policy) and the consent allow.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class SharingMatrixIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_CLASS = "https://spgateway.org/fhir/CodeSystem/data-class";

    /** design.md section 3: Y = sent, N = withheld, E = only with explicit consent for this class. */
    private static final String[][] TABLE = {
            // class               link-worker  advice  activity
            {"name",                "Y", "Y", "Y"},
            {"contact-details",     "Y", "Y", "Y"},
            {"address",             "Y", "Y", "N"},
            {"postcode-district",   "Y", "Y", "Y"},
            {"date-of-birth",       "Y", "Y", "N"},
            {"age-band",            "Y", "Y", "Y"},
            {"nhs-number",          "Y", "N", "N"},
            {"referral-reason",     "Y", "Y", "N"},
            {"goals",               "Y", "Y", "Y"},
            {"social-needs",        "Y", "Y", "N"},
            {"conditions",          "E", "N", "N"},
            {"medications",         "N", "N", "N"},
            {"safety-flag",         "Y", "Y", "Y"},
            {"safety-guidance",     "Y", "Y", "N"},
            {"communication-needs", "Y", "Y", "Y"},
            {"referrer-contact",    "Y", "Y", "Y"},
    };
    private static final Map<String, Integer> ROLE_COLUMN = Map.of(
            "vcs-leeds-link-workers", 1, "vcs-citizens-advice-leeds", 2, "vcs-walking-group", 3);

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private IGenericClient client;

    @BeforeEach
    void client() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
    }

    enum ConsentVariant {
        /** An active consent that permits sharing, with nothing further. */
        PERMIT,
        /** As PERMIT, plus explicit consent for the conditions class. */
        EXPLICIT_CONDITIONS,
        /** As EXPLICIT_CONDITIONS, but denying social needs to the advice service only. */
        DENY_SOCIAL_NEEDS_TO_ADVICE
    }

    static Stream<Arguments> cases() {
        return ROLE_COLUMN.keySet().stream().sorted()
                .flatMap(service -> Stream.of(ConsentVariant.values()).map(v -> Arguments.of(service, v)));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("cases")
    void eachServiceReceivesExactlyWhatPolicyAndConsentAllow(String service, ConsentVariant variant) throws Exception {
        Bundle bundle = fullReferral(service, variant);
        Bundle response = client.transaction().withBundle(bundle).execute();
        String referral = response.getEntry().stream().filter(e -> e.getResource() instanceof ServiceRequest).findFirst()
                .orElseThrow().getResource().getIdElement().getIdPart();
        JsonNode sent = JSON.readTree(jdbc.queryForObject("SELECT payload FROM outbox_message WHERE referral_id = ?"
                + " AND event_type = 'referral.created'", String.class, referral));

        VcsReferral full = new ReferralToVcsMapper().map(ReferralContext.fromBundle(fullReferral(service, variant), "r", "m",
                service, Instant.now()));
        Map<String, List<String>> pointersByClass = new HashMap<>();
        full.classification().forEach((pointer, dataClass) -> {
            if (!full.payload().at(pointer).isMissingNode()) {
                pointersByClass.computeIfAbsent(dataClass, k -> new java.util.ArrayList<>()).add(pointer);
            }
        });

        for (String[] row : TABLE) {
            String dataClass = row[0];
            assertThat(pointersByClass).as("the test referral carries %s", dataClass).containsKey(dataClass);
            boolean expected = expected(row[ROLE_COLUMN.get(service)], dataClass, service, variant);
            for (String pointer : pointersByClass.get(dataClass)) {
                assertThat(!sent.at(pointer).isMissingNode())
                        .as("%s (%s) sent to %s under %s", pointer, dataClass, service, variant).isEqualTo(expected);
            }
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record WHERE referral_id = ?", Integer.class, referral))
                .isEqualTo(1);
    }

    private static boolean expected(String cell, String dataClass, String service, ConsentVariant variant) {
        if (variant == ConsentVariant.DENY_SOCIAL_NEEDS_TO_ADVICE && dataClass.equals("social-needs")
                && service.equals("vcs-citizens-advice-leeds")) {
            return false;
        }
        return switch (cell) {
            case "Y" -> true;
            case "E" -> variant != ConsentVariant.PERMIT;
            default -> false;
        };
    }

    /** A random NHS number with a valid modulus-11 check digit. */
    static String newNhsNumber() {
        java.util.Random random = new java.util.Random();
        while (true) {
            StringBuilder digits = new StringBuilder("9");
            for (int i = 0; i < 8; i++) {
                digits.append(random.nextInt(10));
            }
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (digits.charAt(i) - '0') * (10 - i);
            }
            int check = (11 - sum % 11) % 11;
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    private static Bundle fullReferral(String service, ConsentVariant variant) throws Exception {
        Bundle bundle;
        try (InputStream in = SharingMatrixIT.class.getResourceAsStream("/sharing/full-referral-bundle.json")) {
            bundle = CTX.newJsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Patient patient) {
                // a patient of its own per case, so one case's consent never decides another's
                String nhs = newNhsNumber();
                patient.getIdentifierFirstRep().setValue(nhs);
                entry.getRequest().setIfNoneExist("identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs);
            } else if (entry.getResource() instanceof ServiceRequest sr) {
                sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
                sr.getPerformer().clear();
                sr.addPerformer(new Reference("Organization/" + service));
            } else if (entry.getResource() instanceof Consent consent) {
                if (variant != ConsentVariant.PERMIT) {
                    consent.getProvision().addProvision().setType(Consent.ConsentProvisionType.PERMIT)
                            .addClass_().setSystem(DATA_CLASS).setCode("conditions");
                }
                if (variant == ConsentVariant.DENY_SOCIAL_NEEDS_TO_ADVICE) {
                    var deny = consent.getProvision().addProvision().setType(Consent.ConsentProvisionType.DENY);
                    deny.addClass_().setSystem(DATA_CLASS).setCode("social-needs");
                    deny.addActor().setReference(new Reference("Organization/vcs-citizens-advice-leeds"))
                            .getRole().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-ParticipationType").setCode("IRCP");
                }
            }
        }
        return bundle;
    }
}
