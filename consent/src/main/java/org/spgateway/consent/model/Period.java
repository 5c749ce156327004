package org.spgateway.consent.model;

import java.time.Instant;

/**
 * A time range; either end may be open ({@code null}). Both ends are inclusive, as in FHIR {@code Period}.
 *
 * @param start first instant covered, or {@code null} for "since ever"
 * @param end   last instant covered, or {@code null} for "until further notice"
 */
public record Period(Instant start, Instant end) {
    /** A period with no bounds. */
    public static final Period ALWAYS = new Period(null, null);

    public Period {
        if (start != null && end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("period end " + end + " is before its start " + start);
        }
    }

    /** Whether {@code instant} falls within this period. */
    public boolean contains(Instant instant) {
        return (start == null || !instant.isBefore(start)) && (end == null || !instant.isAfter(end));
    }
}
