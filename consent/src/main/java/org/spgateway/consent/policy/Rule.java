package org.spgateway.consent.policy;

import java.util.Arrays;
import java.util.Optional;

/** One cell of the sharing policy: what a role may receive of a data class. */
public enum Rule {
    /** The role may receive the class, subject to the patient's consent. */
    PERMIT("permit", "yes"),
    /** The role never receives the class; no consent can change that. */
    DENY("deny", "no"),
    /**
     * The role may receive the class only if the patient's active consent has a permit provision naming this class
     * (a general "yes, share" is not enough): design.md section 3, diagnoses for link-worker services.
     */
    EXPLICIT_CONSENT("explicit-consent", "only with explicit consent for this class");

    private final String id;
    private final String text;

    Rule(String id, String text) {
        this.id = id;
        this.text = text;
    }

    /** The value written in the policy file. */
    public String id() {
        return id;
    }

    /** Plain-English rendering for the IG policy page. */
    public String text() {
        return text;
    }

    /** The rule written as {@code id} in a policy file, if any. */
    public static Optional<Rule> fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
