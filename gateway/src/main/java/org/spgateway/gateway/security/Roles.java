package org.spgateway.gateway.security;

import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The roles people log in with, and the audit actor name of whoever is calling. */
public final class Roles {

    /** IG lead: audit search, export and verification, subject access reports, the dry run, the policy view. */
    public static final String IG_LEAD = "IG_LEAD";
    /** Operator: dead letters, replay, endpoint re-enabling, metrics and configuration view. */
    public static final String OPERATOR = "OPERATOR";
    /** Runs the social prescribing scheme: sees the dashboard's aggregates, not the audit log. */
    public static final String SCHEME_MANAGER = "SCHEME_MANAGER";
    public static final Set<String> ALL = Set.of(IG_LEAD, OPERATOR, SCHEME_MANAGER);

    private Roles() {
    }

    /**
     * The audit actor for the current request: {@code ig-lead:<user>} or {@code operator:<user>}, after the role that
     * let them in, or {@code fallback} when no one is logged in (a background task).
     */
    public static String actor(String role, String fallback) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth.getName() == null || "anonymousUser".equals(auth.getName())) {
            return fallback;
        }
        String prefix = OPERATOR.equals(role) ? "operator:" : "ig-lead:";
        return prefix + auth.getName();
    }
}
