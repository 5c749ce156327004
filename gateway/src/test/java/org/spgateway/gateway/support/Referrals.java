package org.spgateway.gateway.support;

import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** Test data builders for referrals, in the style {@code Referrals.valid().withoutNhsNumber()}. */
public final class Referrals {

    public static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String REFERRAL_IDS = "https://fhir.practice.example/referral-id";

    private final Patient patient = new Patient();
    private final ServiceRequest referral = new ServiceRequest();

    private Referrals() {
        patient.addIdentifier().setSystem(NHS).setValue("9434765919");
        patient.addName().setFamily("Smith").addGiven("Margaret");
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.addAddress().setPostalCode("LS6 2AB");
        referral.addIdentifier().setSystem(REFERRAL_IDS).setValue("REF-" + UUID.randomUUID());
        referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        referral.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "871731000000106",
                "Referral to social prescribing service")));
    }

    public static Referrals valid() {
        return new Referrals();
    }

    public Referrals withoutNhsNumber() {
        patient.getIdentifier().clear();
        return this;
    }

    public Referrals withNhsNumber(String value) {
        patient.getIdentifier().clear();
        patient.addIdentifier().setSystem(NHS).setValue(value);
        return this;
    }

    public Referrals withIdentifier(String value) {
        referral.getIdentifier().clear();
        referral.addIdentifier().setSystem(REFERRAL_IDS).setValue(value);
        return this;
    }

    public Patient patient() {
        return patient;
    }

    /** The ServiceRequest alone, about the given (stored) patient. */
    public ServiceRequest serviceRequestFor(String patientReference) {
        ServiceRequest copy = referral.copy();
        copy.setSubject(new Reference(patientReference));
        return copy;
    }

    public String identifierValue() {
        return referral.getIdentifierFirstRep().getValue();
    }

    /** A transaction Bundle with the Patient and the ServiceRequest, linked by urn:uuid. */
    public Bundle transaction() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient.copy())
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(serviceRequestFor(patientUrl))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
        return bundle;
    }
}
