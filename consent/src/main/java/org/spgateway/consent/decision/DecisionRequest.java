package org.spgateway.consent.decision;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.model.PatientConsent;

/**
 * What the engine needs to decide one disclosure.
 *
 * @param patientId                   the patient the data is about
 * @param consent                     the patient's current consent, or {@code null} if none is recorded
 * @param recipient                   organisation and role the data would go to
 * @param purpose                     purpose of use
 * @param classesPresent              data classes the payload actually contains
 * @param contactingSubjectProhibited the referral says the patient must not be contacted
 *                                    ({@code ServiceRequest.orderDetail = contacting-subject-prohibited})
 * @param at                          the instant to decide for (the engine has no clock)
 */
public record DecisionRequest(String patientId, PatientConsent consent, Recipient recipient, Purpose purpose,
                              Set<DataClass> classesPresent, boolean contactingSubjectProhibited, Instant at) {

    public DecisionRequest {
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(at, "at");
        // Another patient's consent must never license this patient's data: refuse loudly rather than decide.
        if (consent != null && !consent.patientId().equals(patientId)) {
            throw new IllegalArgumentException("consent " + consent.consentId() + " is about a different patient");
        }
        classesPresent = classesPresent == null || classesPresent.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(classesPresent));
    }
}
