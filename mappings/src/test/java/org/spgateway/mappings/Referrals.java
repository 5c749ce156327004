package org.spgateway.mappings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/** Test data builder: {@code Referrals.valid().withoutNhsNumber().context()}. */
final class Referrals {
    private final Patient patient = new Patient();
    private final ServiceRequest request = new ServiceRequest();
    private final List<Condition> conditions = new ArrayList<>();
    private Instant createdAt = Instant.parse("2026-11-20T10:25:00Z");

    private Referrals() {
        patient.addIdentifier().setSystem(CodeSystems.NHS_NUMBER).setValue("900 000 0009");
        patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Smith").addGiven("Margaret");
        patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("07700 900123");
        patient.addAddress().addLine("12 Elm Street").setCity("Leeds").setPostalCode("LS6 2AB");
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1948-03-14"));
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        request.addReasonCode().setText("Isolated since bereavement");
    }

    static Referrals valid() {
        return new Referrals();
    }

    Referrals withoutNhsNumber() {
        patient.getIdentifier().clear();
        return this;
    }

    Referrals bornOn(String fhirDate) {
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(fhirDate));
        return this;
    }

    Referrals createdAt(String instant) {
        createdAt = Instant.parse(instant);
        return this;
    }

    Referrals withOrderDetail(String system, String code) {
        request.addOrderDetail(new CodeableConcept(new Coding(system, code, null)));
        return this;
    }

    Referrals withSafety(Boolean flag, String guidance) {
        Extension safety = request.addExtension().setUrl(Extensions.STAFF_SAFETY);
        if (flag != null) {
            safety.addExtension(Extensions.STAFF_SAFETY_FLAG, new BooleanType(flag));
        }
        if (guidance != null) {
            safety.addExtension(Extensions.STAFF_SAFETY_GUIDANCE, new StringType(guidance));
        }
        return this;
    }

    Referrals withCodedReason(String system, String code, String display) {
        request.addReasonCode(new CodeableConcept(new Coding(system, code, display)));
        return this;
    }

    Referrals withCondition(String snomed, String display) {
        Condition condition = new Condition();
        condition.setCode(new CodeableConcept(new Coding(CodeSystems.SNOMED, snomed, display)));
        conditions.add(condition);
        return this;
    }

    ReferralContext context() {
        return new ReferralContext(request, patient, null, conditions, List.of(), null, null, "ref-1", "msg-1",
                "svc-1", createdAt);
    }

    VcsReferral map() {
        return new ReferralToVcsMapper().map(context());
    }
}
