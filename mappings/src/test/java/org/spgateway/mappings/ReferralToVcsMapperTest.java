package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferralToVcsMapperTest {
    /** The consent module's DataClass ids; mappings may not depend on consent, so they are pinned here. */
    private static final Set<String> CONSENT_DATA_CLASS_IDS = Set.of("name", "contact-details", "address",
            "postcode-district", "date-of-birth", "age-band", "nhs-number", "referral-reason", "goals",
            "social-needs", "conditions", "medications", "safety-flag", "safety-guidance", "communication-needs",
            "referrer-contact");

    private final VcsReferral full = ReferralToVcsMapperGoldenTest.mapCase(
            Path.of("src/test/resources/referral-created/full"));

    @Test
    void classifiesEveryLeafOfTheFullPayloadOrDeclaresItEnvelope() {
        List<String> unclassified = new ArrayList<>();
        leaves(full.payload(), "", unclassified, full.classification(), full.envelope());
        assertThat(unclassified).as("leaves neither classified nor envelope").isEmpty();
    }

    @Test
    void fullPayloadCarriesEveryDataClassSoTheConsentModuleCanChoose() {
        assertThat(Set.copyOf(full.classification().values())).isEqualTo(CONSENT_DATA_CLASS_IDS);
    }

    @Test
    void usesOnlyTheConsentModulesDataClassIds() {
        assertThat(CONSENT_DATA_CLASS_IDS).containsAll(ReferralCreatedFields.DATA_CLASSES.values());
    }

    @Test
    void classifiedPointersNeverNestSoAWithheldClassCannotRideUnderAPermittedParent() {
        List<String> all = new ArrayList<>(ReferralCreatedFields.DATA_CLASSES.keySet());
        all.addAll(ReferralCreatedFields.ENVELOPE);
        for (String outer : all) {
            for (String inner : all) {
                assertThat(inner.startsWith(outer + "/")).as(inner + " inside " + outer).isFalse();
            }
        }
    }

    @Test
    void envelopeFieldsAreScalars() {
        for (String pointer : full.envelope()) {
            assertThat(full.payload().at(pointer).isValueNode()).as(pointer).isTrue();
        }
    }

    @Test
    void neverMapsGenderBecauseItIsNoDataClassOfThePolicy() {
        JsonNode patient = Referrals.valid().map().payload().get("patient");
        assertThat(patient.has("gender")).isFalse();
        assertThat(patient.toString()).doesNotContain("female");
    }

    @Test
    void omitsNhsNumberAndItsClassificationWhenThePatientHasNone() {
        VcsReferral result = Referrals.valid().withoutNhsNumber().map();
        assertThat(result.payload().at("/patient/nhsNumber").isMissingNode()).isTrue();
        assertThat(result.classification()).doesNotContainKey("/patient/nhsNumber");
    }

    @Test
    void stripsSpacesFromTheNhsNumber() {
        assertThat(Referrals.valid().map().payload().at("/patient/nhsNumber").asText()).isEqualTo("9000000009");
    }

    @ParameterizedTest
    @CsvSource({"LS1 4AP,LS1", "ls14ap,LS1", "SW1A 1AA,SW1A", "M1 1AE,M1", "B33 8TH,B33", "CR2 6XH,CR2",
            "dn55  1pt,DN55", "W1A 0AX,W1A"})
    void postcodeDistrictIsTheOutwardCode(String postcode, String district) {
        assertThat(ReferralToVcsMapper.postcodeDistrict(postcode)).contains(district);
    }

    @ParameterizedTest
    @CsvSource({"12345", "LS1", "NOT A CODE", "LS1 4A"})
    void givesNoPostcodeDistrictForSomethingThatIsNotAUkPostcode(String value) {
        assertThat(ReferralToVcsMapper.postcodeDistrict(value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "2008-11-20,2026-11-20,18-24", "2008-11-21,2026-11-20,0-17", "2001-11-20,2026-11-20,25-34",
            "2001-11-21,2026-11-20,18-24", "1951-11-20,2026-11-20,75+", "1951-11-21,2026-11-20,65-74",
            "1981-06-01,2026-11-20,45-54", "1990,2026-11-20,35-44", "1990-06,2026-11-20,35-44"})
    void ageBandOnTheReferenceDate(String birthDate, String referenceDate, String band) {
        assertThat(ReferralToVcsMapper.ageBand(birthDate, LocalDate.parse(referenceDate))).contains(band);
    }

    @Test
    void givesNoAgeBandWhenAPartialBirthDateStraddlesTwoBands() {
        // Born in 2001: 24 or 25 on 2026-06-15 depending on the unknown day.
        assertThat(ReferralToVcsMapper.ageBand("2001", LocalDate.parse("2026-06-15"))).isEmpty();
    }

    @Test
    void ageBandFollowsCreatedAtNotTheSystemClock() {
        var before = Referrals.valid().bornOn("1951-11-21").createdAt("2026-11-20T10:00:00Z").map();
        var after = Referrals.valid().bornOn("1951-11-21").createdAt("2026-11-21T10:00:00Z").map();
        assertThat(before.payload().at("/patient/ageBand").asText()).isEqualTo("65-74");
        assertThat(after.payload().at("/patient/ageBand").asText()).isEqualTo("75+");
    }

    @Test
    void ageBandUsesUkDateAroundMidnight() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the 75th birthday has begun there.
        var summer = Referrals.valid().bornOn("1951-07-01").createdAt("2026-06-30T23:30:00Z").map();
        assertThat(summer.payload().at("/patient/ageBand").asText()).isEqualTo("75+");
    }

    @Test
    void exposesContactingSubjectProhibitedFromOrderDetailInAnySystem() {
        assertThat(Referrals.valid().map().contactingSubjectProhibited()).isFalse();
        var flagged = Referrals.valid()
                .withOrderDetail("http://example.org/other-system", "contacting-subject-prohibited").map();
        assertThat(flagged.contactingSubjectProhibited()).isTrue();
        assertThat(flagged.payload().get("doNotContactPatient").asBoolean()).isTrue();
    }

    @Test
    void ignoresOtherOrderDetails() {
        var result = Referrals.valid().withOrderDetail(CodeSystems.ORDER_DETAIL, "home-visit").map();
        assertThat(result.contactingSubjectProhibited()).isFalse();
    }

    @Test
    void sendsNoSafetyFieldWhenNothingIsKnownBecauseAbsentIsNotSafe() {
        var result = Referrals.valid().map();
        assertThat(result.payload().has("safety")).isFalse();
        assertThat(result.classification()).doesNotContainKeys("/safety/flag", "/safety/guidance");
    }

    @Test
    void safetyGuidanceWithoutAnExplicitFlagStillRaisesTheFlag() {
        var result = Referrals.valid().withSafety(null, "Visit in pairs").map();
        assertThat(result.payload().at("/safety/flag").asBoolean()).isTrue();
        assertThat(result.payload().at("/safety/guidance").asText()).isEqualTo("Visit in pairs");
        assertThat(result.classification()).containsEntry("/safety/flag", "safety-flag")
                .containsEntry("/safety/guidance", "safety-guidance");
    }

    @Test
    void reportsAConditionCodedAsASocialNeedAsThatNeedNotAsADiagnosis() {
        var result = Referrals.valid().withCondition("422650009", "Social isolation").map();
        assertThat(result.payload().at("/referral/socialNeeds/0/code").asText()).isEqualTo("loneliness-isolation");
        assertThat(result.payload().at("/referral/conditions").isMissingNode()).isTrue();
    }

    @Test
    void classifiesACodedClinicalReasonWithoutTextAsACondition() {
        var result = Referrals.valid().withCodedReason(CodeSystems.SNOMED, "35489007", "Depressive disorder").map();
        assertThat(result.payload().at("/referral/conditions/0/snomedCode").asText()).isEqualTo("35489007");
        assertThat(result.payload().at("/referral/reason").asText()).isEqualTo("Isolated since bereavement");
        assertThat(result.classification()).containsEntry("/referral/conditions", "conditions");
    }

    @Test
    void acceptsProjectSocialNeedCodes() {
        var result = Referrals.valid().withCodedReason(SocialNeed.SYSTEM, "carer-support", null).map();
        assertThat(result.payload().at("/referral/socialNeeds/0/code").asText()).isEqualTo("carer-support");
        assertThat(result.payload().at("/referral/conditions").isMissingNode()).isTrue();
    }

    @Test
    void doesNotReadTheSystemClockOrRandomness() {
        assertThat(Referrals.valid().map().payload()).isEqualTo(Referrals.valid().map().payload());
    }

    private static void leaves(JsonNode node, String pointer, List<String> unclassified,
            Map<String, String> classification, List<String> envelope) {
        if (!pointer.isEmpty() && (classification.containsKey(pointer) || envelope.contains(pointer))) {
            return;
        }
        if (node.isContainerNode() && !node.isEmpty()) {
            if (node.isObject()) {
                node.fieldNames().forEachRemaining(
                        f -> leaves(node.get(f), pointer + "/" + f, unclassified, classification, envelope));
            } else {
                for (int i = 0; i < node.size(); i++) {
                    leaves(node.get(i), pointer + "/" + i, unclassified, classification, envelope);
                }
            }
            return;
        }
        unclassified.add(Optional.of(pointer).filter(p -> !p.isEmpty()).orElse("/"));
    }
}
