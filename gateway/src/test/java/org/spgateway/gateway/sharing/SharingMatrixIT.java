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
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
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
 * under several consents; the webhook each service's receiver (WireMock) gets holds a class's fields exactly when the
 * table below (written out here, not read from the policy) and the consent allow, and matches a reviewed golden file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.delivery.poll-interval=100ms"})
class SharingMatrixIT {

    @RegisterExtension
    static WireMockExtension receivers = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** The three demo services as push services, each with its own WireMock path. */
    @DynamicPropertySource
    static void pushServices(DynamicPropertyRegistry registry) {
        String[][] services = {
                {"vcs-leeds-link-workers", "link-worker-service"},
                {"vcs-citizens-advice-leeds", "advice-service"},
                {"vcs-walking-group", "activity-provider"}};
        for (int i = 0; i < services.length; i++) {
            String p = "spgateway.directory.services[" + i + "].";
            String id = services[i][0];
            String role = services[i][1];
            registry.add(p + "id", () -> id);
            registry.add(p + "name", () -> id);
            registry.add(p + "role", () -> role);
            registry.add(p + "delivery", () -> "push");
            registry.add(p + "webhook-url", () -> receivers.baseUrl() + "/hooks/" + id);
            registry.add(p + "signing-secrets[0]", () -> "whsec_c2hhcmluZy1tYXRyaXgtc2VjcmV0LTAxMjM0NTY3");
        }
    }

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
        receivers.stubFor(post(urlPathMatching("/hooks/.*")).willReturn(aResponse().withStatus(200)));
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
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
        JsonNode sent = received(service, referral);

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
        if (variant == ConsentVariant.EXPLICIT_CONDITIONS) {
            assertExactly(sent, "/sharing/expected/" + service + ".json");
        }
    }

    /** The referral.created webhook the service's receiver got for the referral, as JSON. */
    private static JsonNode received(String service, String referral) throws Exception {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> find(service, referral) != null);
        return find(service, referral);
    }

    private static JsonNode find(String service, String referral) throws Exception {
        for (var request : receivers.findAll(postRequestedFor(urlPathEqualTo("/hooks/" + service)))) {
            JsonNode body = JSON.readTree(request.getBodyAsString());
            if (body.at("/referralId").asText().equals(referral) && body.at("/type").asText().equals("referral.created")) {
                return body;
            }
        }
        return null;
    }

    /**
     * The whole payload, compared as JSON with the reviewed golden file (ids, times and the generated NHS number
     * normalised). {@code -Dgolden.update=true} rewrites the file and fails, so a new golden file is always reviewed.
     */
    private static void assertExactly(JsonNode sent, String golden) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode normalised = sent.deepCopy();
        for (String field : List.of("messageId", "referralId", "createdAt")) {
            normalised.put(field, "<" + field + ">");
        }
        if (normalised.at("/patient/nhsNumber").isTextual()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) normalised.get("patient")).put("nhsNumber", "<nhsNumber>");
        }
        java.nio.file.Path file = java.nio.file.Path.of("src/test/resources" + golden);
        if (Boolean.getBoolean("golden.update")) {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(normalised) + "\n");
            org.junit.jupiter.api.Assertions.fail("golden file " + file + " rewritten: review it, then run again without -Dgolden.update");
        }
        try (InputStream in = SharingMatrixIT.class.getResourceAsStream(golden)) {
            assertThat(in).as("golden file %s", golden).isNotNull();
            assertThat(normalised).as("exact payload for %s", golden).isEqualTo(JSON.readTree(in));
        }
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
        return org.spgateway.gateway.fhir.NhsNumber.randomTestNumber(new java.util.Random());
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
