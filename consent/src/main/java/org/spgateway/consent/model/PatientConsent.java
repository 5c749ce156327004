package org.spgateway.consent.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A patient's consent to share their data for social prescribing, as the engine sees it.
 *
 * <p>Semantics (applied by {@link org.spgateway.consent.decision.ConsentEngine}): a consent only counts as
 * permitting while it is {@link ConsentStatus#ACTIVE} and {@code at} is inside its {@code period}. Deny provisions
 * are honoured whatever the status, so withdrawing or superseding a consent can never lift a restriction the patient
 * asked for. Deny overrides permit. Nothing here can permit what the sharing policy denies.
 *
 * @param consentId    logical id of the consent (FHIR {@code Consent.id})
 * @param versionId    its version (FHIR {@code meta.versionId}), recorded with every disclosure
 * @param patientId    the patient it is about
 * @param status       lifecycle status
 * @param period       when it is in force, or {@code null} for no limit
 * @param baseDecision what happens where no provision applies
 * @param provisions   exceptions to the base decision, in the order given (their index is what audit records cite)
 */
public record PatientConsent(String consentId, String versionId, String patientId, ConsentStatus status,
                             Period period, ProvisionType baseDecision, List<Provision> provisions) {

    public PatientConsent {
        Objects.requireNonNull(consentId, "consentId");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(baseDecision, "baseDecision");
        provisions = provisions == null ? List.of() : List.copyOf(provisions);
    }

    /** Whether this consent can permit anything at {@code at}: active, and inside its period. */
    public boolean inForceAt(Instant at) {
        return status == ConsentStatus.ACTIVE && (period == null || period.contains(at));
    }

    public PatientConsent withStatus(ConsentStatus newStatus) {
        return new PatientConsent(consentId, versionId, patientId, newStatus, period, baseDecision, provisions);
    }

    public PatientConsent withBaseDecision(ProvisionType newBase) {
        return new PatientConsent(consentId, versionId, patientId, status, period, newBase, provisions);
    }

    public PatientConsent withProvisions(List<Provision> newProvisions) {
        return new PatientConsent(consentId, versionId, patientId, status, period, baseDecision, newProvisions);
    }

    /** A copy with {@code provision} appended. */
    public PatientConsent plus(Provision provision) {
        var all = new java.util.ArrayList<>(provisions);
        all.add(provision);
        return withProvisions(all);
    }
}
