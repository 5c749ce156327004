package org.spgateway.mappings;

import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Codes of {@code https://spgateway.org/fhir/CodeSystem/referral-business-status}, carried in
 * {@code Task.businessStatus}. {@code Task.status} says where the workflow is in FHIR's generic terms; this says it
 * in the referral's own terms, which is what a GP reads (design.md section 2, "VCS events -> Task").
 */
public enum BusinessStatus {
    AWAITING_CONSENT("awaiting-consent", "awaiting consent"),
    NO_MATCHING_SERVICE("no-matching-service", "no matching service"),
    SENT("sent", "sent"),
    DELIVERY_FAILED("delivery-failed", "delivery failed"),
    ACCEPTED("accepted", "accepted"),
    DECLINED("declined", "declined"),
    CONTACTED("contacted", "contacted"),
    UNABLE_TO_CONTACT("unable-to-contact", "unable to contact"),
    FIRST_APPOINTMENT_BOOKED("first-appointment-booked", "first appointment booked"),
    ENGAGED("engaged", "engaged"),
    ON_HOLD("on-hold", "on hold"),
    COMPLETED("completed", "completed"),
    CANCELLED_BY_SERVICE("cancelled-by-service", "cancelled by service"),
    CANCELLED_BY_REFERRER("cancelled-by-referrer", "cancelled by referrer"),
    CONSENT_WITHDRAWN("consent-withdrawn", "consent withdrawn");

    private final String code;
    private final String display;

    BusinessStatus(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** This status as a {@code Task.businessStatus} value. */
    public CodeableConcept toCodeableConcept() {
        return new CodeableConcept(new Coding(CodeSystems.BUSINESS_STATUS, code, display)).setText(display);
    }

    /** The status with this code, if any. */
    public static Optional<BusinessStatus> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }

    /** The project business status in {@code concept}, if it holds one. */
    public static Optional<BusinessStatus> of(CodeableConcept concept) {
        if (concept == null) {
            return Optional.empty();
        }
        return concept.getCoding().stream()
                .filter(c -> CodeSystems.BUSINESS_STATUS.equals(c.getSystem()))
                .map(c -> fromCode(c.getCode()))
                .flatMap(Optional::stream)
                .findFirst();
    }
}
