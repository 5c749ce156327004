package org.spgateway.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResourceValidatorTest {

    private static ResourceValidator validator;

    @BeforeAll
    static void warm() {
        validator = new ResourceValidator(FhirContext.forR4Cached());
    }

    @Test
    void namesTheElementOfAnInvalidCode() {
        var issues = validator.validate("{\"resourceType\":\"ServiceRequest\",\"status\":\"bogus\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Patient/1\"}}");
        assertThat(issues).extracting(OperationOutcomes.Issue::path).contains("ServiceRequest.status");
    }

    @Test
    void reportsUnknownElementsInsteadOfDroppingThem() {
        var issues = validator.validate("{\"resourceType\":\"Patient\",\"nickname\":\"Peg\"}");
        assertThat(issues).extracting(OperationOutcomes.Issue::message).anyMatch(m -> m.contains("nickname"));
    }

    @Test
    void acceptsAMinimalValidReferral() {
        assertThat(validator.validate("{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Patient/1\"}}")).isEmpty();
    }

    @Test
    void findsABadNhsNumberInsideABundleAndNamesItsPath() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(NhsNumber.SYSTEM).setValue("9000000001");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setResource(new Patient());
        bundle.addEntry().setResource(patient);
        assertThat(validator.checkRules(bundle)).singleElement()
                .extracting(OperationOutcomes.Issue::path).isEqualTo("Bundle.entry[1].resource.identifier[0].value");
    }

    @Test
    void acceptsPatientsWithoutAnNhsNumber() {
        Patient patient = new Patient();
        patient.addName().setFamily("Nobody");
        assertThat(validator.checkRules(patient)).isEmpty();
    }

    @Test
    void refusesAReferralAboutAGroupByTheReferralProfileItDidNotClaim() {
        var issues = validator.validate("{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Group/1\"}}");
        assertThat(issues).singleElement().satisfies(issue -> {
            assertThat(issue.message()).contains("sp-referral-1").contains("subject is a Patient");
            assertThat(issue.path()).isEqualTo("ServiceRequest");
        });
    }

    @Test
    void checksAConsentAgainstTheConsentProfile() {
        var issues = validator.validate("{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{"
                + "\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},"
                + "\"category\":[{\"text\":\"sharing\"}],\"policyRule\":{\"text\":\"opt in\"}}");
        assertThat(issues).extracting(OperationOutcomes.Issue::message).anyMatch(m -> m.contains("Consent.patient"));
    }
}
