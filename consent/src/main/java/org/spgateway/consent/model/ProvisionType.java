package org.spgateway.consent.model;

/** Whether a consent (base decision) or one of its provisions permits or denies. */
public enum ProvisionType {
    PERMIT, DENY
}
