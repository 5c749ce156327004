package org.spgateway.consent.model;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;

/**
 * One exception to a consent's base decision. Every limit is optional; a missing limit means "any".
 *
 * <p>Build with {@link #permit()} or {@link #deny()} and the {@code with...} methods, each returning a new value:
 * {@code Provision.deny().withActor("org-42").withClasses(DataClass.CONDITIONS)}.
 *
 * @param type        permit or deny
 * @param actor       recipient organisation id this provision is limited to, or {@code null} for every recipient
 * @param dataClasses classes it is limited to; empty means every class. An {@code explicit-consent} policy rule is
 *                    satisfied only by a permit provision that names the class here, never by an empty set
 * @param period      when it applies, or {@code null} for the consent's whole life
 * @param purpose     purpose of use it is limited to, or {@code null} for any purpose
 */
public record Provision(ProvisionType type, String actor, Set<DataClass> dataClasses, Period period,
                        Purpose purpose) {

    public Provision {
        Objects.requireNonNull(type, "type");
        dataClasses = dataClasses == null || dataClasses.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(dataClasses));
    }

    /** An unlimited permit provision, to be narrowed with the {@code with...} methods. */
    public static Provision permit() {
        return new Provision(ProvisionType.PERMIT, null, Set.of(), null, null);
    }

    /** An unlimited deny provision, to be narrowed with the {@code with...} methods. */
    public static Provision deny() {
        return new Provision(ProvisionType.DENY, null, Set.of(), null, null);
    }

    public Provision withActor(String organisationId) {
        return new Provision(type, organisationId, dataClasses, period, purpose);
    }

    public Provision withClasses(DataClass... classes) {
        return new Provision(type, actor, Set.of(classes), period, purpose);
    }

    public Provision withClasses(Set<DataClass> classes) {
        return new Provision(type, actor, classes, period, purpose);
    }

    public Provision withPeriod(Period newPeriod) {
        return new Provision(type, actor, dataClasses, newPeriod, purpose);
    }

    public Provision withPurpose(Purpose newPurpose) {
        return new Provision(type, actor, dataClasses, period, newPurpose);
    }

    /**
     * Whether this provision speaks about disclosures to {@code organisationId} for {@code requestPurpose} at
     * {@code at}, whatever the data class.
     */
    public boolean appliesTo(String organisationId, Purpose requestPurpose, Instant at) {
        return (actor == null || actor.equals(organisationId))
                && (period == null || period.contains(at))
                && (purpose == null || purpose.equals(requestPurpose));
    }

    /** Whether this provision covers {@code dataClass}: it names it, or names no class at all. */
    public boolean covers(DataClass dataClass) {
        return dataClasses.isEmpty() || dataClasses.contains(dataClass);
    }

    /** Whether this provision names {@code dataClass} explicitly (an empty class list names nothing). */
    public boolean names(DataClass dataClass) {
        return dataClasses.contains(dataClass);
    }
}
