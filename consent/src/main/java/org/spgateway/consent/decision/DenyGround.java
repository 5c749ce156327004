package org.spgateway.consent.decision;

/** Why a class was withheld; the reason text says the same in words. */
public enum DenyGround {
    /** The policy does not cover this purpose of use at all. */
    PURPOSE_NOT_IN_POLICY,
    /** The policy never gives this class to this role. */
    POLICY,
    /** The referral says the patient must not be contacted, so contact details and full address are withheld. */
    CONTACTING_SUBJECT_PROHIBITED,
    /** A deny provision of the patient's consent covers this class for this recipient. */
    CONSENT_PROVISION,
    /** The policy requires a permit provision naming this class and the consent has none that applies. */
    EXPLICIT_CONSENT_MISSING,
    /** The class is identifiable and no active consent permits it for this recipient. */
    NO_PERMITTING_CONSENT
}
