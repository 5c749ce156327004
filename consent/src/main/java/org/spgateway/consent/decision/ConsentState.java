package org.spgateway.consent.decision;

/**
 * Where the patient's consent stands for one recipient, purpose and instant. Anything but
 * {@link #CONSENT_PERMITS_RECIPIENT} means nothing identifiable may go to this recipient, and the gateway puts the
 * Task on hold with reason "awaiting consent" (design.md section 2.3).
 */
public enum ConsentState {
    /** No consent has been recorded for the patient. */
    NO_CONSENT,
    /** A consent exists but is not active, or the instant is outside its period (e.g. withdrawn, draft, expired). */
    CONSENT_NOT_ACTIVE,
    /** An active consent exists but does not permit this recipient for this purpose at this time. */
    CONSENT_DENIES_RECIPIENT,
    /**
     * An active consent permits disclosure to this recipient for this purpose at this time. Individual classes may
     * still be denied (by the policy or by provisions); {@link Decision#anyIdentifiablePermitted()} tells whether
     * anything identifiable is actually left to send.
     */
    CONSENT_PERMITS_RECIPIENT;

    /** Whether the referral is waiting for (a different) consent before identifiable data can go. */
    public boolean awaitingConsent() {
        return this != CONSENT_PERMITS_RECIPIENT;
    }
}
