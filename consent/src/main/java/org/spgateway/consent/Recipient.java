package org.spgateway.consent;

import java.util.Objects;

/**
 * The organisation a disclosure would go to and the role it plays. Consent provisions name the organisation;
 * the sharing policy names the role.
 *
 * @param organisationId the directory identifier of the VCS organisation
 * @param role           its role for this referral
 */
public record Recipient(String organisationId, RecipientRole role) {
    public Recipient {
        Objects.requireNonNull(organisationId, "organisationId");
        Objects.requireNonNull(role, "role");
        if (organisationId.isBlank()) {
            throw new IllegalArgumentException("organisationId must not be blank");
        }
    }
}
