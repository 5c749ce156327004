package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.decision.DecisionRequest;
import org.spgateway.consent.model.PatientConsent;

/**
 * One outbound payload to be gated.
 *
 * @param messageId                   id of the outbound message (the webhook-id), cited in the audit record
 * @param recipient                   organisation and role it would go to
 * @param patientId                   the patient it is about
 * @param purpose                     purpose of use
 * @param payload                     the full payload as the mapper built it; never modified
 * @param classification              data class per field, and the envelope fields
 * @param consent                     the patient's current consent, or {@code null} if none is recorded
 * @param contactingSubjectProhibited the referral says the patient must not be contacted
 * @param at                          the instant to decide for
 */
public record DisclosureRequest(String messageId, Recipient recipient, String patientId, Purpose purpose,
                                ObjectNode payload, FieldClassification classification, PatientConsent consent,
                                boolean contactingSubjectProhibited, Instant at) {

    public DisclosureRequest {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(at, "at");
    }

    /** The engine's view of this request, given the classes the payload contains. */
    DecisionRequest toDecisionRequest(Set<DataClass> classesPresent) {
        return new DecisionRequest(patientId, consent, recipient, purpose, classesPresent,
                contactingSubjectProhibited, at);
    }
}
