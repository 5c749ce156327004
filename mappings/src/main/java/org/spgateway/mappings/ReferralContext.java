package org.spgateway.mappings;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Everything {@link ReferralToVcsMapper} reads about one referral to one service.
 *
 * @param serviceRequest the referral; required
 * @param patient        the referred person; required
 * @param consent        the patient's Consent, or {@code null}; the mapper does not read it (the consent module
 *                       does) but carries it so one object describes the referral
 * @param conditions     Conditions sent with the referral (problem list entries, reasons)
 * @param medications    MedicationStatements sent with the referral
 * @param practitioner   the referring clinician, or {@code null}
 * @param practice       the referring GP practice, or {@code null}
 * @param referralId     the gateway's stable id for this referral (the Task id the VCS quotes back); required
 * @param messageId      id of this outbound message, stable across retries ({@code webhook-id}); required
 * @param serviceId      id of the target service in the directory; required
 * @param createdAt      when the gateway created the event; also the reference date for the age band, so the
 *                       mapper has no hidden clock; required
 */
public record ReferralContext(
        ServiceRequest serviceRequest,
        Patient patient,
        Consent consent,
        List<Condition> conditions,
        List<MedicationStatement> medications,
        Practitioner practitioner,
        Organization practice,
        String referralId,
        String messageId,
        String serviceId,
        Instant createdAt) {

    public ReferralContext {
        Objects.requireNonNull(serviceRequest, "serviceRequest");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(createdAt, "createdAt");
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        medications = medications == null ? List.of() : List.copyOf(medications);
    }

    public Optional<Consent> consentIfPresent() {
        return Optional.ofNullable(consent);
    }

    /**
     * Reads a referral from the transaction Bundle a GP system posts (design.md section 2.1).
     *
     * <p>The patient is the one {@code ServiceRequest.subject} points at (by {@code fullUrl}), else the only Patient;
     * the practitioner is the {@code requester} if it is a Practitioner, else the only Practitioner; the practice is
     * the requester if it is an Organization, else the only Organization.
     *
     * @throws IllegalArgumentException if the bundle has no ServiceRequest, more than one, or no Patient
     */
    public static ReferralContext fromBundle(Bundle bundle, String referralId, String messageId, String serviceId,
            Instant createdAt) {
        List<ServiceRequest> requests = resources(bundle, ServiceRequest.class);
        if (requests.size() != 1) {
            throw new IllegalArgumentException(
                    "bundle must hold exactly one ServiceRequest, found " + requests.size());
        }
        ServiceRequest request = requests.get(0);
        Patient patient = resolve(bundle, request.getSubject(), Patient.class)
                .or(() -> only(bundle, Patient.class))
                .orElseThrow(() -> new IllegalArgumentException("bundle holds no Patient for ServiceRequest.subject"));
        Practitioner practitioner = resolve(bundle, request.getRequester(), Practitioner.class)
                .or(() -> only(bundle, Practitioner.class)).orElse(null);
        Organization practice = resolve(bundle, request.getRequester(), Organization.class)
                .or(() -> only(bundle, Organization.class)).orElse(null);
        Consent consent = only(bundle, Consent.class).orElse(null);
        return new ReferralContext(request, patient, consent, resources(bundle, Condition.class),
                resources(bundle, MedicationStatement.class), practitioner, practice, referralId, messageId, serviceId,
                createdAt);
    }

    private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends Resource> Optional<T> only(Bundle bundle, Class<T> type) {
        List<T> all = resources(bundle, type);
        return all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
    }

    private static <T extends Resource> Optional<T> resolve(Bundle bundle, Reference reference, Class<T> type) {
        if (reference == null || !reference.hasReference()) {
            return Optional.empty();
        }
        String target = reference.getReference();
        return bundle.getEntry().stream()
                .filter(e -> type.isInstance(e.getResource()))
                .filter(e -> target.equals(e.getFullUrl())
                        || (e.getResource().hasIdElement()
                        && target.equals(e.getResource().getIdElement().toUnqualifiedVersionless().getValue())))
                .map(e -> type.cast(e.getResource()))
                .findFirst();
    }
}
