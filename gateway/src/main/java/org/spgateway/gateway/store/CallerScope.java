package org.spgateway.gateway.store;

import java.util.Optional;

/**
 * The practice a FHIR request acts for, set by the authentication filter for the length of the request. While set,
 * what the store returns is confined to that practice's resources (and to shared ones, such as the directory), and
 * every resource the request creates belongs to that practice. Background work (deliveries, VCS events) runs with no
 * scope and sees everything, as the gateway itself.
 */
public final class CallerScope {

    private static final ThreadLocal<String> PRACTICE = new ThreadLocal<>();

    private CallerScope() {
    }

    public static Optional<String> practice() {
        return Optional.ofNullable(PRACTICE.get());
    }

    /** Sets the practice for the current thread until {@link #clear()}. */
    public static void enter(String practice) {
        PRACTICE.set(practice);
    }

    public static void clear() {
        PRACTICE.remove();
    }
}
