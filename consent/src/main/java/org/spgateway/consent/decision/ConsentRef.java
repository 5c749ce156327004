package org.spgateway.consent.decision;

import org.spgateway.consent.model.ProvisionType;

/**
 * The part of a patient's consent that decided a class, as cited in the audit log.
 *
 * @param consentId      consent id
 * @param versionId      consent version, may be {@code null} if the source system gave none
 * @param provisionIndex index into {@code PatientConsent.provisions()}, or {@code null} for the base decision
 * @param type           whether that provision (or base decision) permits or denies
 */
public record ConsentRef(String consentId, String versionId, Integer provisionIndex, ProvisionType type) {

    /** "base" or "provision[2]": how the IG page names the part of the consent. */
    public String part() {
        return provisionIndex == null ? "base" : "provision[" + provisionIndex + "]";
    }
}
