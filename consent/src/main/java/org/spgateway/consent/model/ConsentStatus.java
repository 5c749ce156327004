package org.spgateway.consent.model;

/**
 * Status of a consent, after FHIR R4 {@code Consent.status}. Only {@link #ACTIVE} consents can permit anything;
 * {@link #OTHER} covers any status the gateway cannot map, so an unknown status fails closed.
 */
public enum ConsentStatus {
    DRAFT, PROPOSED, ACTIVE, REJECTED, INACTIVE, ENTERED_IN_ERROR, OTHER
}
