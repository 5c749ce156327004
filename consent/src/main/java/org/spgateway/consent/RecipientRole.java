package org.spgateway.consent;

import java.util.Arrays;
import java.util.Optional;

/** The role a VCS organisation plays for a referral; the sharing policy has one column per role. */
public enum RecipientRole {
    LINK_WORKER_SERVICE("link-worker-service", "Link-worker service"),
    ADVICE_SERVICE("advice-service", "Advice service"),
    ACTIVITY_PROVIDER("activity-provider", "Activity provider");

    private final String id;
    private final String label;

    RecipientRole(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** Stable kebab-case identifier used in policy files, audit records and configuration. */
    public String id() {
        return id;
    }

    /** Human label for the IG policy page. */
    public String label() {
        return label;
    }

    /** The role with this {@link #id()}, if any. */
    public static Optional<RecipientRole> fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
