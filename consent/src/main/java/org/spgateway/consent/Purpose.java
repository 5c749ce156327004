package org.spgateway.consent;

import java.util.Objects;

/**
 * Purpose of use of a disclosure. The policy lists the purposes it covers and a consent provision may be limited
 * to one purpose, so consent given for a social prescribing referral is not reused for, say, service evaluation.
 *
 * @param code kebab-case purpose code, e.g. {@code social-prescribing-referral}
 */
public record Purpose(String code) {
    /** Sending a referral, and its follow-up, to a social prescribing service. */
    public static final Purpose SOCIAL_PRESCRIBING_REFERRAL = new Purpose("social-prescribing-referral");

    public Purpose {
        Objects.requireNonNull(code, "code");
        if (code.isBlank()) {
            throw new IllegalArgumentException("purpose code must not be blank");
        }
    }

    @Override
    public String toString() {
        return code;
    }
}
