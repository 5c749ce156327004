package org.spgateway.consent.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.spgateway.consent.DataClass.ADDRESS;
import static org.spgateway.consent.DataClass.AGE_BAND;
import static org.spgateway.consent.DataClass.COMMUNICATION_NEEDS;
import static org.spgateway.consent.DataClass.CONDITIONS;
import static org.spgateway.consent.DataClass.CONTACT_DETAILS;
import static org.spgateway.consent.DataClass.DATE_OF_BIRTH;
import static org.spgateway.consent.DataClass.GOALS;
import static org.spgateway.consent.DataClass.MEDICATIONS;
import static org.spgateway.consent.DataClass.NAME;
import static org.spgateway.consent.DataClass.NHS_NUMBER;
import static org.spgateway.consent.DataClass.POSTCODE_DISTRICT;
import static org.spgateway.consent.DataClass.REFERRAL_REASON;
import static org.spgateway.consent.DataClass.REFERRER_CONTACT;
import static org.spgateway.consent.DataClass.SAFETY_FLAG;
import static org.spgateway.consent.DataClass.SAFETY_GUIDANCE;
import static org.spgateway.consent.DataClass.SOCIAL_NEEDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.spgateway.consent.Consents;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.decision.ConsentEngine;
import org.spgateway.consent.decision.ConsentState;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.policy.SharingPolicyLoader;

class PolicyDisclosureGateTest {
    private static final DisclosureGate GATE =
            new PolicyDisclosureGate(new ConsentEngine(new SharingPolicyLoader().loadDefault()));
    private static final Recipient GYM = new Recipient("org-gym", RecipientRole.ACTIVITY_PROVIDER);

    static Stream<String> goldenCases() {
        return Stream.of("activity-provider-with-consent", "link-worker-service-explicit-consent-no-contact",
                "link-worker-service-without-explicit-consent", "advice-service-no-consent");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void sendsExactlyWhatTheDesignTableAllows(String caseName) {
        JsonNode spec = ReferralPayloads.read("/disclosure/" + caseName + "/case.json");
        JsonNode expected = ReferralPayloads.read("/disclosure/" + caseName + "/expected.json");
        var role = RecipientRole.fromId(spec.get("role").asText()).orElseThrow();
        PatientConsent consent = switch (spec.get("consent").asText()) {
            case "none" -> null;
            case "permit-all" -> Consents.permitAll();
            case "permit-all-explicitly" -> Consents.permitAllExplicitly();
            default -> throw new IllegalArgumentException("unknown consent fixture in " + caseName);
        };

        GatedPayload gated = GATE.gate(request(ReferralPayloads.referral(), new Recipient("org-1", role), consent,
                spec.get("contactingSubjectProhibited").asBoolean()));

        assertThat(gated.payload()).isEqualTo(expected);
    }

    @Test
    void withholdsDiagnosesAddressAndDateOfBirthFromActivityProviders() {
        GatedPayload gated = GATE.gate(request(ReferralPayloads.referral(), GYM, Consents.permitAll(), false));

        DisclosureRecord record = gated.record();
        assertThat(record.classesSent()).containsExactly(NAME, CONTACT_DETAILS, POSTCODE_DISTRICT, AGE_BAND, GOALS,
                SAFETY_FLAG, COMMUNICATION_NEEDS, REFERRER_CONTACT);
        assertThat(record.classesWithheld()).containsExactly(ADDRESS, DATE_OF_BIRTH, NHS_NUMBER, REFERRAL_REASON,
                SOCIAL_NEEDS, CONDITIONS, MEDICATIONS, SAFETY_GUIDANCE);
        assertThat(record.fieldsSent()).containsExactly("/patient/name", "/patient/telecom",
                "/patient/postcodeDistrict", "/patient/ageBand", "/patient/communicationNeeds", "/referral/goals",
                "/referral/safety/flag", "/referrer", "/event", "/schemaVersion", "/messageId", "/referralId");
        assertThat(record.fieldsWithheld()).containsExactly("/patient/address", "/patient/birthDate",
                "/patient/nhsNumber", "/referral/reason", "/referral/whatMattersToMe", "/referral/socialNeeds",
                "/referral/conditions", "/referral/medications", "/referral/safety/guidance");
        assertThat(record.consentId()).isEqualTo("consent-1");
        assertThat(record.consentVersion()).isEqualTo("3");
        assertThat(record.policyVersion()).isEqualTo("2026.1-default");
        assertThat(record.purpose()).isEqualTo(Purpose.SOCIAL_PRESCRIBING_REFERRAL);
        assertThat(record.decidedAt()).isEqualTo(Consents.NOW);
        assertThat(record.recipient()).isEqualTo(GYM);
        assertThat(record.messageId()).isEqualTo("msg-0001");
        assertThat(record.patientId()).isEqualTo(Consents.PATIENT);
    }

    @Test
    void failsClosedOnAnUnclassifiedFieldWithoutRevealingItsValue() {
        ObjectNode payload = ReferralPayloads.referral();
        ((ObjectNode) payload.get("patient")).put("ethnicity", "secret-value");

        assertThatThrownBy(() -> GATE.gate(request(payload, GYM, null, false)))
                .isInstanceOfSatisfying(UnclassifiedFieldException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/patient/ethnicity"))
                .hasMessageContaining("/patient/ethnicity")
                .hasMessageNotContaining("secret-value");
    }

    @Test
    void failsClosedOnAnUnclassifiedEmptyContainer() {
        ObjectNode payload = ReferralPayloads.referral();
        payload.putArray("attachments");

        assertThatThrownBy(() -> GATE.gate(request(payload, GYM, Consents.permitAll(), false)))
                .isInstanceOfSatisfying(UnclassifiedFieldException.class,
                        e -> assertThat(e.pointer()).isEqualTo("/attachments"));
    }

    @Test
    void refusesAnEnvelopeFieldThatIsAnObject() {
        ObjectNode payload = ReferralPayloads.referral();
        payload.putObject("event").put("patientName", "Ada");

        assertThatIllegalArgumentException().isThrownBy(() -> GATE.gate(request(payload, GYM, null, false)))
                .withMessageContaining("envelope field /event must be a scalar");
    }

    @Test
    void neverMutatesTheInputPayload() {
        ObjectNode payload = ReferralPayloads.referral();
        ObjectNode before = payload.deepCopy();

        GatedPayload gated = GATE.gate(request(payload, GYM, Consents.permitAll(), false));
        ((ObjectNode) gated.payload().get("patient")).put("name", "changed");

        assertThat(payload).isEqualTo(before);
        assertThat(gated.payload()).isNotEqualTo(before);
    }

    @Test
    void dropsContainersEmptiedByRedactionButKeepsTheEnvelope() {
        ObjectNode payload = ReferralPayloads.JSON.createObjectNode().put("event", "referral.created");
        payload.putObject("patient").put("nhsNumber", "9000000009");

        GatedPayload gated = GATE.gate(request(payload, GYM, null, false));

        assertThat(gated.payload()).isEqualTo(ReferralPayloads.JSON.createObjectNode().put("event",
                "referral.created"));
        assertThat(gated.record().fieldsWithheld()).containsExactly("/patient/nhsNumber");
        assertThat(gated.awaitingConsent()).isTrue();
        assertThat(gated.decision().consentState()).isEqualTo(ConsentState.NO_CONSENT);
    }

    @Test
    void classifiesFieldNamesContainingSlashesByEscapedPointer() {
        var classification = FieldClassification.of(Map.of("/a~1b", DataClass.NAME, "/c~0d", DataClass.AGE_BAND));
        ObjectNode payload = ReferralPayloads.JSON.createObjectNode().put("a/b", "Ada").put("c~d", "50-59");

        GatedPayload gated = GATE.gate(new DisclosureRequest("m", GYM, Consents.PATIENT,
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, payload, classification, null, false, Consents.NOW));

        assertThat(gated.record().fieldsWithheld()).containsExactly("/a~1b");
        assertThat(gated.record().fieldsSent()).containsExactly("/c~0d");
    }

    @Test
    void refusesNestedClassificationsThatWouldLetAnInnerFieldRideOut() {
        assertThatIllegalArgumentException().isThrownBy(() -> FieldClassification.of(
                        Map.of("/patient", DataClass.NAME, "/patient/nhsNumber", DataClass.NHS_NUMBER)))
                .withMessageContaining("/patient/nhsNumber is inside /patient");
    }

    @Test
    void recordSerialisesToStableJsonAndBack() throws Exception {
        DisclosureRecord record = GATE.gate(request(ReferralPayloads.referral(), GYM, Consents.permitAll(), false))
                .record();

        JsonNode json = ReferralPayloads.JSON.readTree(record.toJson());

        assertThat(DisclosureRecord.fromJson(record.toJson())).isEqualTo(record);
        assertThat(json.get("recipient")).isEqualTo(ReferralPayloads.JSON.readTree(
                "{\"organisationId\":\"org-gym\",\"role\":\"activity-provider\"}"));
        assertThat(json.get("consentState").asText()).isEqualTo("consent-permits-recipient");
        assertThat(json.get("decidedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(json.get("classesWithheld").get(0).asText()).isEqualTo("address");
        JsonNode conditions = json.get("decisions").get(CONDITIONS.ordinal());
        assertThat(conditions.get("dataClass").asText()).isEqualTo("conditions");
        assertThat(conditions.get("outcome").asText()).isEqualTo("deny");
        assertThat(conditions.get("ground").asText()).isEqualTo("policy");
        assertThat(conditions.get("rule").asText()).isEqualTo("deny");
    }

    @Test
    void dryRunIsTheSameCallAndRepeatsExactly() {
        var request = request(ReferralPayloads.referral(), GYM, Consents.permitAll(), false);

        GatedPayload first = GATE.gate(request);
        GatedPayload second = GATE.gate(request);

        assertThat(second.record()).isEqualTo(first.record());
        assertThat(second.payload()).isEqualTo(first.payload()).isNotSameAs(first.payload());
    }

    private static DisclosureRequest request(ObjectNode payload, Recipient recipient, PatientConsent consent,
                                             boolean contactingSubjectProhibited) {
        return new DisclosureRequest("msg-0001", recipient, Consents.PATIENT, Purpose.SOCIAL_PRESCRIBING_REFERRAL,
                payload, ReferralPayloads.CLASSIFICATION, consent, contactingSubjectProhibited, Consents.NOW);
    }
}
